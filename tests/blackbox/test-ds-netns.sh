#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The metadata services at their real addresses, without touching the host's
# network: the test runs in a new network namespace (unshare -n) and serves
# fakemeta from a second namespace behind a veth pair, on 169.254.169.254
# and fd00:ec2::254. cloudboot finds them through its default URLs and the
# machine's (faked) DMI identity, as on a real cloud; off a cloud, or with
# nothing answering, the probe ends at once.
if [ -z "${CB_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	command -v unshare >/dev/null && command -v ip >/dev/null || { echo "SKIP: unshare or ip missing"; exit 77; }
	unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"

FIX="$TOP_SRCDIR/tests/fixtures/ds"
EXAMPLE="$TOP_SRCDIR/data/examples/nocloud"
NS=cbtest-imds-$$
SRV="$R.srv"
SRVPID=
cleanup() {
	[ -z "$SRVPID" ] || kill "$SRVPID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.port"
}

ip link set lo up
ip netns add "$NS" || { echo "SKIP: ip netns add failed"; exit 77; }
ip link add cb0 type veth peer name cb1 netns "$NS"
ip addr add 169.254.0.2/16 dev cb0
ip -6 addr add fd00:ec2::2/64 dev cb0 nodad
ip link set cb0 up
ip -n "$NS" link set lo up
ip -n "$NS" addr add 169.254.169.254/16 dev cb1
ip -n "$NS" -6 addr add fd00:ec2::254/64 dev cb1 nodad
ip -n "$NS" link set cb1 up

# serve LISTEN DIR RULES: fakemeta inside the server namespace
serve() {
	[ -z "$SRVPID" ] || { kill "$SRVPID"; wait "$SRVPID" 2>/dev/null || true; }
	printf '%s\n' "$3" >"$R.rules"
	fakemeta_start "$R.port" ip netns exec "$NS" "$FAKEMETA" --listen "$1" --rules "$R.rules" "$2"
}
fresh() { # SYS_VENDOR PRODUCT_NAME PRODUCT_UUID
	rm -rf "$R" "$OUT"
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud"
	echo "$1" >"$R/sys/class/dmi/id/sys_vendor"
	echo "$2" >"$R/sys/class/dmi/id/product_name"
	echo "$3" >"$R/sys/class/dmi/id/product_uuid"
	# nothing for the modules to do: only the datasource is under test
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
}
init() { timeout 120 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "init exited $?"; }
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}

rm -rf "$SRV"
cp -r "$FIX/ec2" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
cp "$EXAMPLE/user-data" "$SRV/2021-03-23/user-data"
EC2_RULES="PUT /latest/api/token body AQAEAtoken==
* * require X-aws-ec2-metadata-token:AQAEAtoken== 401"

# EC2 by its DMI identity, the default datasource_list and URLs.
serve 169.254.169.254:80 "$SRV" "$EC2_RULES"
fresh "Amazon EC2" t3.micro ec2e1916-9099-7caf-fd21-012345abcdef
init
expect_query v1.instance_id i-1234567890abcdef0
expect_query v1.subplatform "metadata (http://169.254.169.254)"
expect_query v1.cloud_name aws
pass "Ec2 at 169.254.169.254 through a veth pair, found by the DMI identity"

# No DMI identity: not probed; ds=ec2 on the kernel command line asks for it.
fresh "QEMU" "Standard PC (Q35 + ICH9, 2009)" 0c2b5c4e-0000-0000-0000-000000000000
init
expect_query _cloudboot.datasource None
fresh "QEMU" "Standard PC (Q35 + ICH9, 2009)" 0c2b5c4e-0000-0000-0000-000000000000
mkdir -p "$R/proc"
echo "root=/dev/vda ds=ec2" >"$R/proc/cmdline"
init
expect_query v1.instance_id i-1234567890abcdef0
pass "off EC2's DMI identity Ec2 is probed only when ds=ec2 asks for it"

# Only IPv6 answers: fd00:ec2::254.
serve "[fd00:ec2::254]:80" "$SRV" "$EC2_RULES"
fresh "Amazon EC2" t3.micro ec2e1916-9099-7caf-fd21-012345abcdef
init
expect_query v1.instance_id i-1234567890abcdef0
expect_query v1.subplatform "metadata (http://[fd00:ec2::254])"
pass "Ec2 at fd00:ec2::254 when IPv4 does not answer"

# GCE: metadata.google.internal has no resolver here; 169.254.169.254 answers.
rm -rf "$SRV"
cp -r "$FIX/gce" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
sed -i "s|@USER_DATA_B64@|$(base64 -w0 "$EXAMPLE/user-data")|" "$SRV/computeMetadata/v1/instance/attributes/.listing"
serve 169.254.169.254:80 "$SRV" "* * require Metadata-Flavor:Google 403"
fresh Google "Google Compute Engine" 0c2b5c4e-0000-0000-0000-000000000000
init
expect_query v1.instance_id 4567890123456789012
expect_query v1.cloud_name gce
pass "GCE at 169.254.169.254, found by the DMI identity"

# EC2's identity, but nothing listens: refused at once, None found.
kill "$SRVPID"
wait "$SRVPID" 2>/dev/null || true
SRVPID=
fresh "Amazon EC2" t3.micro ec2e1916-9099-7caf-fd21-012345abcdef
init
expect_query _cloudboot.datasource None
expect_output_has "PUT http://169.254.169.254/latest/api/token: Couldn't connect to server"
pass "a metadata address that refuses ends the probe at once"

# No route at all (the veth is down): unreachable at once, None found.
ip link set cb0 down
fresh "Amazon EC2" t3.micro ec2e1916-9099-7caf-fd21-012345abcdef
init
expect_query _cloudboot.datasource None
pass "no route to the metadata address ends the probe at once"
