#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# OpenStack and ConfigDrive beyond the basics: vendor_data2.json merged after
# vendor_data.json, meta_data.json's random_seed decoded for seed_random, and
# network_data.json's bond and VLAN converted as cloud-init does; then the
# faults (404, malformed JSON, a timeout) of the metadata service, served by
# fakemeta on 127.0.0.1 (in a network namespace of its own as root).
if [ -z "${CB_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null &&
	unshare -n true 2>/dev/null; then
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ -z "${CB_IN_NETNS:-}" ] || ip link set lo up
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
for tool in useradd cmp timeout; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

FIX="$TOP_SRCDIR/tests/fixtures/ds"
EXAMPLE="$TOP_SRCDIR/data/examples/nocloud"
IID=d8e02d56-2648-49a3-bf97-6be8f1204f38
SRV="$R.srv"
SRVPID=
stop_server() {
	[ -z "$SRVPID" ] || { kill "$SRVPID" 2>/dev/null; wait "$SRVPID" 2>/dev/null || true; }
	SRVPID=
}
cleanup() {
	stop_server
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.srvlog" "$R.port" "$R.seed"
}
serve() { # RULES
	stop_server
	: >"$R.srvlog"
	printf '%s\n' "$1" >"$R.rules"
	fakemeta_start "$R.port" "$FAKEMETA" --rules "$R.rules" --log "$R.srvlog" "$SRV"
}
tree() { # DIR: the fixture tree with vendor_data2.json and random_seed
	rm -rf "$1"
	mkdir -p "$1"
	cp -r "$FIX/openstack/." "$1/"
	cp -r "$FIX/openstack-vd2/." "$1/"
	chmod -R u+w "$1" # distcheck: the source tree is read-only
	cp "$EXAMPLE/user-data" "$1/openstack/latest/user_data"
}
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	make_target
	mkdir -p "$R/etc/cloud/cloud.cfg.d" "$R/var/tmp"
	printf 'random_seed: {file: /var/tmp/seed.bin}\n' >"$R/etc/cloud/cloud.cfg.d/80-seed.cfg"
}
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
expect_seed() {
	python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["random_seed"]))' \
		"$FIX/openstack-vd2/openstack/latest/meta_data.json" >"$R.seed"
	[ -f "$R/var/tmp/seed.bin" ] || fail "seed_random wrote no /var/tmp/seed.bin"
	cmp -s "$R.seed" "$R/var/tmp/seed.bin" || fail "/var/tmp/seed.bin is not the decoded random_seed"
}
expect_vendor() { # WHAT
	expect_file /var/tmp/vendor.out "vendor-data ran"
	expect_file /var/tmp/vendor2.out "vendor_data2 ran"
	vd=/var/lib/cloud/instances/$IID/vendor-data.txt
	expect_mode "$vd" 600
	grep -q 'filename="vendor_data2.json"' "$R$vd" || fail "$vd lacks vendor_data2.json's part"
	pass "$1: vendor_data.json and vendor_data2.json both applied"
}

# --- ConfigDrive (seed directory) -------------------------------------------------
fresh
tree "$R/var/lib/cloud/seed/config_drive"
boot
expect_query v1.instance_id $IID
expect_vendor ConfigDrive
expect_seed
pass "ConfigDrive: random_seed decoded and given to seed_random"

# --- OpenStack metadata service -----------------------------------------------------
tree "$SRV"
serve ""
fresh
printf 'datasource_list: [OpenStack, None]\ndatasource: {OpenStack: {metadata_urls: ["http://127.0.0.1:%s"], timeout: 1, max_wait: 4, retries: 1}}\n' \
	"$PORT" >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
boot
expect_query v1.instance_id $IID
grep -q "^GET /openstack/latest/vendor_data2.json" "$R.srvlog" || fail "vendor_data2.json was not fetched"
expect_vendor OpenStack
expect_seed
pass "OpenStack: random_seed decoded and given to seed_random"

# Only vendor_data2.json: it alone is the vendor-data.
rm "$SRV/openstack/latest/vendor_data.json"
serve ""
fresh
printf 'datasource_list: [OpenStack, None]\ndatasource: {OpenStack: {metadata_urls: ["http://127.0.0.1:%s"]}}\n' \
	"$PORT" >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
boot
expect_file /var/tmp/vendor2.out "vendor_data2 ran"
[ ! -e "$R/var/tmp/vendor.out" ] || fail "vendor_data.json's part ran though it is gone"
pass "OpenStack: vendor_data2.json alone"

# --- faults -------------------------------------------------------------------------
# fault NAME RULES LOG [FILE CONTENT]: init against the service misbehaving so
fault() {
	tree "$SRV"
	[ -z "${4:-}" ] || printf '%s' "$5" >"$SRV/openstack/latest/$4"
	serve "$2"
	rm -rf "$R" "$OUT"
	mkdir -p "$R/etc/cloud/cloud.cfg.d"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	printf 'datasource_list: [OpenStack, None]\ndatasource: {OpenStack: {metadata_urls: ["http://127.0.0.1:%s"], timeout: 1, max_wait: 4, retries: 1}}\n' \
		"$PORT" >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
	timeout 60 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "$1: init exited $?"
	grep -qF -- "$3" "$OUT" || fail "$1: no log line '$3'"
}
fault "vendor_data2.json malformed" "" "/openstack/latest/vendor_data2.json:1:" vendor_data2.json '{"cloud-init": '
expect_query _cloudboot.datasource OpenStack
grep -q "vendor-data ran" "$R/var/lib/cloud/instances/$IID/vendor-data.txt" || fail "vendor_data.json was lost"
pass "fault: a malformed vendor_data2.json is reported and left out"

fault "vendor_data2.json 404" "GET /openstack/latest/vendor_data2.json status 404" "vendor_data2.json: HTTP 404"
expect_query _cloudboot.datasource OpenStack
pass "fault: vendor_data2.json missing (404)"

fault "random_seed not base64" "" "random_seed is not base64; not used" meta_data.json \
	'{"uuid": "'$IID'", "hostname": "h", "random_seed": "abc"}'
expect_query _cloudboot.datasource OpenStack
pass "fault: a random_seed that is not base64 is dropped"

fault "meta_data.json 404" "GET /openstack/latest/meta_data.json status 404" "meta_data.json: HTTP 404"
expect_query _cloudboot.datasource None
pass "fault: meta_data.json 404: None"

fault "timeout" "* * delay 3000" "Timeout was reached"
expect_query _cloudboot.datasource None
pass "fault: a metadata service that times out: None"

fault "network_data.json malformed" "" "network_data.json:1:" network_data.json '{"links": ['
expect_query _cloudboot.datasource OpenStack
pass "fault: a malformed network_data.json is reported, the datasource still found"
