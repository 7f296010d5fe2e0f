#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The network datasources (NoCloud seedfrom over HTTP, Ec2, OpenStack, GCE,
# Azure) against fakemeta, a fake metadata service on 127.0.0.1 serving the
# recorded responses in tests/fixtures/ds: each provisions the bundled example
# seed. Then the faults: each must end in a bounded time with a clear log
# line and the boot going on with the None datasource.
#
# As root it runs in a network namespace of its own (only loopback), so a
# fault that made cloudboot look elsewhere would reach nothing real.
if [ -z "${CB_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null &&
	unshare -n true 2>/dev/null; then
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ -z "${CB_IN_NETNS:-}" ] || ip link set lo up
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"

for tool in useradd groupadd ssh-keygen base64 timeout openssl ss; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
FIX="$TOP_SRCDIR/tests/fixtures/ds"
EXAMPLE="$TOP_SRCDIR/data/examples/nocloud"
UD_B64=$(base64 -w0 "$EXAMPLE/user-data")
SRV="$R.srv"
SRVPID=
stop_server() {
	[ -z "$SRVPID" ] || { kill "$SRVPID" 2>/dev/null; wait "$SRVPID" 2>/dev/null || true; }
	SRVPID=
}
TLSPID=
cleanup() {
	stop_server
	[ -z "$TLSPID" ] || kill "$TLSPID" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.srvlog" "$R.port" "$R.key" "$R.crt"
}

# serve DIR [RULES]: fakemeta on 127.0.0.1, its port in $PORT, its requests in $R.srvlog
serve() {
	stop_server
	: >"$R.srvlog"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" >"$R.rules"; else : >"$R.rules"; fi
	fakemeta_start "$R.port" "$FAKEMETA" --rules "$R.rules" --log "$R.srvlog" "$1"
}
# fresh: a new target system in $R
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	make_target
	mkdir -p "$R/etc/cloud/cloud.cfg.d" "$R/var/tmp"
}
cfg() { printf '%s\n' "$1" >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"; }
q() { cb query "$1" 2>&1; }
expect_query() { # KEY VALUE
	got=$(q "$1")
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
# The bundled example seed's user-data was applied.
expect_example() { # WHAT
	expect_file /etc/motd "Provisioned by cloudboot from the bundled NoCloud example seed."
	expect_file /root/notes/secret.txt "secret notes"
	expect_mode /root/notes/secret.txt 600
	expect_file /etc/hostname test-system
	[ "$(readlink "$R/etc/localtime")" = /usr/share/zoneinfo/Africa/Dar_es_Salaam ] ||
		fail "$1: /etc/localtime is $(readlink "$R/etc/localtime")"
	pass "$1 provisions the example seed"
}
expect_srv_has() { grep -qF -- "$1" "$R.srvlog" || fail "the server saw no '$1'"; }
expect_srv_lacks() { ! grep -qF -- "$1" "$R.srvlog" || fail "the server saw '$1'"; }
expect_keys() { # USER KEY-SUBSTRINGS...
	f="$R/home/$1/.ssh/authorized_keys"
	[ -f "$f" ] || fail "$f is missing"
	u=$1
	shift
	for k in "$@"; do grep -qF -- "$k" "$f" || fail "$u's authorized_keys lacks $k"; done
}

# --- The local datasources with the same seed, for comparison -----------------
fresh
mkdir -p "$R/var/lib/cloud/seed/config_drive/openstack/latest"
cp "$FIX/openstack/openstack/latest/meta_data.json" "$R/var/lib/cloud/seed/config_drive/openstack/latest/"
cp "$EXAMPLE/user-data" "$R/var/lib/cloud/seed/config_drive/openstack/latest/user_data"
boot
expect_example ConfigDrive
expect_query v1.instance_id d8e02d56-2648-49a3-bf97-6be8f1204f38
fresh
mkdir -p "$R/run/credentials/@system"
cp "$EXAMPLE/meta-data" "$R/run/credentials/@system/cloudboot.meta-data"
cp "$EXAMPLE/user-data" "$R/run/credentials/@system/cloudboot.user-data"
boot
expect_example Credentials
expect_query v1.instance_id iid-example-01

# --- NoCloud: seedfrom over HTTP, with __dmi__ and command-line meta-data ------
fresh
mkdir -p "$SRV/ex-serial-7"
cp "$EXAMPLE/meta-data" "$EXAMPLE/user-data" "$SRV/ex-serial-7/"
serve "$SRV"
mkdir -p "$R/sys/class/dmi/id" "$R/proc"
echo ex-serial-7 >"$R/sys/class/dmi/id/product_serial"
echo "quiet ds=nocloud;s=http://127.0.0.1:$PORT/__dmi.system-serial-number__/;i=iid-from-cmdline" >"$R/proc/cmdline"
cb init --local >"$OUT" 2>&1 || fail "init --local exited $?"
[ ! -e "$R/var/lib/cloud/data/instance-id" ] || fail "init-local claimed an http seed"
[ ! -s "$R.srvlog" ] || fail "init-local made a request"
boot
expect_example "NoCloud seedfrom http"
expect_query v1.instance_id iid-from-cmdline
expect_query v1.local_hostname example-vm
expect_query v1.subplatform "seed-url (http://127.0.0.1:$PORT/ex-serial-7/)"
expect_srv_has "GET /ex-serial-7/meta-data"
expect_srv_has "GET /ex-serial-7/network-config"
expect_srv_has "User-Agent: cloudboot/"
pass "NoCloud: __dmi.system-serial-number__ expanded, cmdline meta-data wins over the fetched"

# --- Ec2, IMDSv2 ---------------------------------------------------------------
EC2_RULES="PUT /latest/api/token require X-aws-ec2-metadata-token-ttl-seconds:21600 400
PUT /latest/api/token body AQAEAtoken==
* * require X-aws-ec2-metadata-token:AQAEAtoken== 401"
ec2_srv() {
	rm -rf "$SRV"
	cp -r "$FIX/ec2" "$SRV"
	chmod -R u+w "$SRV" # distcheck: the source tree is read-only
	cp "$EXAMPLE/user-data" "$SRV/2021-03-23/user-data"
}
fresh
ec2_srv
serve "$SRV" "$EC2_RULES"
cfg "datasource_list: [Ec2, None]
datasource:
  Ec2:
    metadata_urls: ['http://127.0.0.1:$PORT']"
boot
expect_example Ec2
expect_query v1.instance_id i-1234567890abcdef0
expect_query v1.cloud_name aws
expect_query v1.platform ec2
expect_query v1.availability_zone us-east-1a
expect_query v1.region us-east-1
expect_query ds.meta_data.local-ipv4 10.251.50.12
expect_keys debian "AAAAB3NzaC1yc2EAAAADAQABAAABAQC3FixtureKeyFromTheEc2Docs my-key-pair"
expect_srv_has "X-aws-ec2-metadata-token-ttl-seconds: 21600"
expect_srv_lacks "security-credentials/s3access"
# every GET carried the token
gets=$(grep -c '^GET ' "$R.srvlog")
tokens=$(grep -c '^  X-aws-ec2-metadata-token: AQAEAtoken==' "$R.srvlog")
[ "$gets" = "$tokens" ] || fail "$gets GETs but $tokens tokens"
pass "Ec2: IMDSv2 token on all $gets GETs, IAM credentials never fetched"

# A token that expires mid-crawl: a 401 gets a new token and the request again.
fresh
ec2_srv
serve "$SRV" "GET /2021-03-23/meta-data/ami-id fail-first 1 401
$EC2_RULES"
cfg "datasource_list: [Ec2, None]
datasource: {Ec2: {metadata_urls: ['http://127.0.0.1:$PORT']}}"
cb init >"$OUT" 2>&1 || fail "init exited $?"
expect_query ds.meta_data.ami-id ami-0abcdef1234567890
[ "$(grep -c '^PUT /latest/api/token' "$R.srvlog")" = 2 ] || fail "no second token after a 401"
pass "Ec2: a 401 fetches a new token"

# --- OpenStack metadata service -------------------------------------------------
fresh
rm -rf "$SRV"
cp -r "$FIX/openstack" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
cp "$EXAMPLE/user-data" "$SRV/openstack/latest/user_data"
serve "$SRV"
cfg "datasource_list: [OpenStack, None]
datasource: {OpenStack: {metadata_urls: ['http://127.0.0.1:$PORT']}}"
boot
expect_example OpenStack
expect_query v1.instance_id d8e02d56-2648-49a3-bf97-6be8f1204f38
expect_query v1.platform openstack
expect_query v1.availability_zone nova
expect_keys debian "OpenStackFixtureKey Generated-by-Nova"
grep -q "vendor-data ran" "$R/var/lib/cloud/instances/d8e02d56-2648-49a3-bf97-6be8f1204f38/vendor-data.txt" || fail "vendor_data.json's cloud-init part was not stored"
pass "OpenStack: meta_data.json, user_data, vendor_data.json"

# --- GCE --------------------------------------------------------------------------
fresh
rm -rf "$SRV"
cp -r "$FIX/gce" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
sed -i "s|@USER_DATA_B64@|$UD_B64|" "$SRV/computeMetadata/v1/instance/attributes/.listing"
serve "$SRV" "* * require Metadata-Flavor:Google 403"
cfg "datasource_list: [GCE, None]
datasource: {GCE: {metadata_urls: ['http://127.0.0.1:$PORT/computeMetadata/v1']}}"
boot
expect_example GCE
expect_query v1.instance_id 4567890123456789012
expect_query v1.platform gce
expect_query v1.availability_zone us-central1-a
expect_query v1.region us-central1
expect_keys debian GceKeyForCloudinit GceKeyForTheDefaultUser GceProjectKeyForDefault
! grep -q GceKeyForAliceOnly "$R/home/debian/.ssh/authorized_keys" || fail "alice's GCE key went to the default user"
pass "GCE: base64 user-data, ssh-keys for cloudinit and the default user only"

# --- Azure IMDS ------------------------------------------------------------------
fresh
rm -rf "$SRV"
cp -r "$FIX/azure" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
sed -i "s|@USER_DATA_B64@|$UD_B64|" "$SRV/metadata/instance"
serve "$SRV" "GET /metadata/* require Metadata:true 400"
cfg "datasource_list: [Azure, None]
datasource: {Azure: {metadata_urls: ['http://127.0.0.1:$PORT'], wireserver: '127.0.0.1:$PORT'}}"
boot
expect_example Azure
expect_srv_has "POST /machine?comp=health"
expect_query v1.instance_id 02aab8a4-74ef-476e-8182-f6d2ba4166a6
expect_query v1.platform azure
expect_query v1.region westeurope
expect_keys debian "AzureFixtureKey azureuser@example"
expect_srv_has "GET /metadata/instance?api-version=2021-08-01&extended=true"
pass "Azure: IMDS instance document with userData"

# --- Faults ------------------------------------------------------------------------
# fault NAME RULES EXPECTED-LOG [EXTRA-CONFIG]: init (network stage) against the
# Ec2 fixture misbehaving so; it must end with the log line, and None must be
# found instead. The datasource's max_wait (4 s) bounds the probe: the whole
# stage must end well inside 40 s (a bound on behaviour, not a measure of speed:
# a fault that escaped the deadline would hang until the 60 s guard; the rest
# of the stage, an ed25519 host key alone, takes well under a second, but a
# loaded CI machine can stretch it many times).
fault() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R/etc/cloud/cloud.cfg.d"
	ec2_srv
	serve "$SRV" "$2
$EC2_RULES"
	cfg "datasource_list: [Ec2, None]
datasource:
  Ec2: {metadata_urls: ['${FAULT_SCHEME:-http}://127.0.0.1:${FAULT_PORT:-$PORT}'], timeout: 1, max_wait: 4, retries: 2}
ssh_genkeytypes: [ed25519]
${4:-}"
	t0=$(date +%s)
	timeout 60 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "$1: init exited $?"
	t=$(($(date +%s) - t0))
	[ $t -le 40 ] || fail "$1: the stage took $t s, past the datasource's deadline"
	grep -qF -- "$3" "$OUT" || fail "$1: no log line '$3'"
	expect_query _cloudboot.datasource None
	pass "fault: $1"
}
port_free() { # a port nothing listens on: fakemeta's, after it stopped
	serve "$SRV"
	FAULT_PORT=$PORT
	stop_server
}
ec2_srv
port_free
fault "connection refused" "" "Couldn't connect to server"
FAULT_PORT=
fault "timeout" "* * delay 3000" "Timeout was reached"
fault "slow body" "GET /2021-03-23/user-data slow" "Ec2: cannot fetch the user-data"
grep -qF "Timeout was reached" "$OUT" || fail "slow body: no timeout"
fault "HTTP 500 on every request" "* * status 500" "HTTP 500"
[ "$(grep -c '^PUT /latest/api/token' "$R.srvlog")" = 3 ] || fail "a 500 was not retried twice"
fault "HTTP 404 everywhere" "GET * status 404" "answers no known API version"
fault "truncated body" "GET /2021-03-23/user-data truncate" "Transferred a partial file"
fault "oversized body" "GET /2021-03-23/user-data huge 20000000" "is larger than 16777216 bytes"
fault "endless body" "GET /2021-03-23/user-data endless" "is larger than 16777216 bytes"
fault "slowloris headers" "GET * slowloris" "Timeout was reached"
fault "reset mid-body" "GET /2021-03-23/user-data reset" "Connection reset by peer"
# TLS: a server that does not speak it, and one whose certificate does not
# verify (self-signed): neither is retried, asking again changes nothing. A
# server that never finishes the handshake (stopped) times out like any other.
FAULT_SCHEME=https
fault "TLS to a plain HTTP server" "" "SSL connect error"
[ "$(grep -c 'SSL connect error' "$OUT")" = 1 ] || fail "a TLS failure was retried"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$R.key" -out "$R.crt" >/dev/null 2>&1 || fail "openssl could not make a certificate"
port_free
TLS_PORT=$FAULT_PORT
openssl s_server -quiet -www -accept "127.0.0.1:$TLS_PORT" -cert "$R.crt" -key "$R.key" \
	>/dev/null 2>&1 &
TLSPID=$!
i=0
until ss -ltn | grep -q "127.0.0.1:$TLS_PORT "; do
	sleep 0.05
	i=$((i + 1))
	[ $i -lt 200 ] || fail "openssl s_server did not start"
done
fault "TLS certificate that does not verify" "" "SSL certificate problem: self-signed certificate"
[ "$(grep -c 'certificate problem' "$OUT")" = 1 ] || fail "a TLS verification failure was retried"
kill -STOP "$TLSPID"
fault "TLS handshake never answered" "" "Timeout was reached"
kill -CONT "$TLSPID"
kill "$TLSPID"
wait "$TLSPID" 2>/dev/null || true
TLSPID=
FAULT_SCHEME=
FAULT_PORT=
fault "redirect to another scheme" "GET /2021-03-23/user-data redirect file:///etc/shadow" \
	"to a scheme other than http or https"
fault "redirect to another host" "GET /2021-03-23/user-data redirect http://127.0.0.2:9/x" \
	"to http://127.0.0.2:9"
expect_output_has "Not following a redirect from http://127.0.0.1:$PORT"
fault "token endpoint disabled (403)" "PUT /latest/api/token status 403" "its IMDS HTTP endpoint is disabled"
[ "$(grep -c '^PUT' "$R.srvlog")" = 1 ] || fail "a 403 on the token was retried"
# Off AWS's DMI identity cloud-init falls back to IMDSv1; this one wants a
# token for every GET, so nothing answers.
fault "token endpoint missing, IMDSv1 refused" "PUT /latest/api/token status 404" "neither IMDSv2 nor IMDSv1 answers"
expect_output_has "gives no IMDSv2 session token (HTTP 404)"
expect_srv_has "GET /2021-03-23/meta-data/instance-id"

# A retried failure that clears up: two 500s, then the token.
fresh
ec2_srv
serve "$SRV" "PUT /latest/api/token fail-first 2 500
$EC2_RULES"
cfg "datasource_list: [Ec2, None]
datasource: {Ec2: {metadata_urls: ['http://127.0.0.1:$PORT'], retries: 3}}"
cb init >"$OUT" 2>&1 || fail "init exited $?"
expect_query _cloudboot.datasource Ec2
pass "fault: two 500s then success are retried to success"

# A redirect within the same host is followed.
fresh
ec2_srv
mv "$SRV/2021-03-23/user-data" "$SRV/2021-03-23/moved"
serve "$SRV" "GET /2021-03-23/user-data redirect http://127.0.0.1:PORT/2021-03-23/moved
$EC2_RULES"
sed -i "s|PORT|$PORT|" "$R.rules"
stop_server
"$FAKEMETA" --rules "$R.rules" --log "$R.srvlog" --listen "127.0.0.1:$PORT" "$SRV" >"$R.port" &
SRVPID=$!
sleep 0.2
cfg "datasource_list: [Ec2, None]
datasource: {Ec2: {metadata_urls: ['http://127.0.0.1:$PORT']}}"
cb init >"$OUT" 2>&1 || fail "init exited $?"
expect_file /etc/motd "Provisioned by cloudboot from the bundled NoCloud example seed."
pass "a redirect to the same host is followed"

# Invalid JSON from OpenStack and Azure: the file, line and column are named.
fresh
rm -rf "$SRV"
cp -r "$FIX/openstack" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
printf '{"uuid": "x",\n "hostname": oops}\n' >"$SRV/openstack/latest/meta_data.json"
serve "$SRV"
cfg "datasource_list: [OpenStack, None]
datasource: {OpenStack: {metadata_urls: ['http://127.0.0.1:$PORT']}}"
cb init >"$OUT" 2>&1 || fail "init exited $?"
expect_output_has "http://127.0.0.1:$PORT/openstack/latest/meta_data.json:2:14:"
expect_query _cloudboot.datasource None
pass "fault: invalid JSON (OpenStack) named with its position"

# Off a cloud nothing is probed: the default datasource_list, no DMI identity.
rm -rf "$R" "$OUT"
mkdir -p "$R"
timeout 60 "$CLOUDBOOT" --root "$R" --debug init >"$OUT" 2>&1 || fail "init exited $?"
expect_output_has "Ec2: not probed"
expect_output_has "GCE: not probed"
expect_output_has "Azure: not probed"
expect_output_has "OpenStack: not probed"
! grep -q "GET \|PUT " "$OUT" || fail "a request was made off a cloud"
expect_query _cloudboot.datasource None
pass "off a cloud the network datasources make no request"
