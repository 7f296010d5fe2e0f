#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Azure end to end, without touching the host's network: the test runs in a
# new network namespace (unshare -n) and serves fakemeta from a second one
# behind a veth pair, on IMDS's 169.254.169.254 and the wireserver's
# 168.63.129.16, as on Azure. It checks that the goal state is fetched and the
# health report (Ready, or NotReady/ProvisioningFailed) is posted for the goal
# state's container and instance, once per instance and with bounded retries;
# that ovf-env.xml gives the host name, the default user (its password hashed,
# never logged), keys and custom data; and the failure modes (404, timeout,
# malformed JSON and XML).
if [ -z "${CB_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	command -v unshare >/dev/null && command -v ip >/dev/null || { echo "SKIP: unshare or ip missing"; exit 77; }
	unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
for tool in useradd base64 timeout; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

FIX="$TOP_SRCDIR/tests/fixtures/ds"
EXAMPLE="$TOP_SRCDIR/data/examples/nocloud"
NS=cbtest-azure-$$
SRV="$R.srv"
SRVPID=
LOG="$R.srvlog"
cleanup() {
	[ -z "$SRVPID" ] || kill "$SRVPID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.port" "$LOG"
}

ip link set lo up
ip netns add "$NS" || { echo "SKIP: ip netns add failed"; exit 77; }
ip link add cb0 type veth peer name cb1 netns "$NS"
ip addr add 169.254.0.2/16 dev cb0
ip link set cb0 up
ip route add 168.63.129.16/32 dev cb0
ip -n "$NS" link set lo up
ip -n "$NS" addr add 169.254.169.254/16 dev cb1
ip -n "$NS" addr add 168.63.129.16/32 dev cb1
ip -n "$NS" link set cb1 up

# serve RULES: fakemeta on port 80 of both addresses, its requests in $LOG
serve() {
	[ -z "$SRVPID" ] || { kill "$SRVPID"; wait "$SRVPID" 2>/dev/null || true; }
	printf '%s\n' "$1" >"$R.rules"
	: >"$LOG"
	fakemeta_start "$R.port" ip netns exec "$NS" "$FAKEMETA" --listen 0.0.0.0:80 --rules "$R.rules" --log "$LOG" "$SRV"
}
server_files() {
	rm -rf "$SRV"
	cp -r "$FIX/azure" "$SRV"
	chmod -R u+w "$SRV" # distcheck: the source tree is read-only
	sed -i "s|@USER_DATA_B64@|$(base64 -w0 "$EXAMPLE/user-data")|" "$SRV/metadata/instance"
}
# fresh [make_target]: a new target whose DMI identity is Azure's
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	[ -z "${1:-}" ] || make_target
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud/cloud.cfg.d"
	echo "Microsoft Corporation" >"$R/sys/class/dmi/id/sys_vendor"
	echo "Virtual Machine" >"$R/sys/class/dmi/id/product_name"
	echo "7783-7084-3265-9085-8269-3286-77" >"$R/sys/class/dmi/id/chassis_asset_tag"
	echo "0c7e1b2a-5d4f-4e3a-9b8c-1a2b3c4d5e6f" >"$R/sys/class/dmi/id/product_uuid"
	if [ -z "${1:-}" ]; then
		# nothing for the modules to do: only the datasource is under test
		printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	fi
	printf 'datasource_list: [Azure, None]\ndatasource: {Azure: {timeout: 1, max_wait: 6, retries: 1}}\n' \
		>"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
}
ovf() { # the fixture ovf-env.xml in the seed directory
	mkdir -p "$R/var/lib/cloud/seed/azure"
	sed "s|@CUSTOM_DATA_B64@|$(base64 -w0 "$EXAMPLE/user-data")|" "$FIX/azure-ovf/ovf-env.xml" \
		>"$R/var/lib/cloud/seed/azure/ovf-env.xml"
}
init() { timeout 120 "$CLOUDBOOT" --root "$R" init >>"$OUT" 2>&1 || fail "init exited $?"; }
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
expect_srv_has() { grep -qF -- "$1" "$LOG" || fail "the server saw no '$1'"; }
expect_srv_lacks() { ! grep -qF -- "$1" "$LOG" || fail "the server saw '$1'"; }
count() { grep -c -- "$1" "$LOG" || true; }
CONTAINER=c6ed0d9e-1a1b-4a5c-9a3f-0d2e5f1c7b41
INSTANCE=a8f5d2b4-3c4e-4f1a-8b9c-7e6d5c4b3a21.azure-vm-1

# --- IMDS and report ready -------------------------------------------------------
server_files
serve "GET /metadata/* require Metadata:true 400"
fresh
init
expect_query v1.instance_id 02aab8a4-74ef-476e-8182-f6d2ba4166a6
expect_query v1.cloud_name azure
expect_srv_has "GET /machine/?comp=goalstate"
expect_srv_has "  x-ms-version: 2012-11-30"
expect_srv_has "  x-ms-agent-name: WALinuxAgent"
expect_srv_has "POST /machine?comp=health"
expect_srv_has "  Content-Type: text/xml; charset=utf-8"
expect_srv_has "  |     <ContainerId>$CONTAINER</ContainerId>"
expect_srv_has "  |         <InstanceId>$INSTANCE</InstanceId>"
expect_srv_has "  |           <State>Ready</State>"
expect_srv_has "  |   <GoalStateIncarnation>1</GoalStateIncarnation>"
expect_srv_lacks "ProvisioningFailed"
expect_output_has "Azure: reported ready to the wireserver (container $CONTAINER, instance $INSTANCE)"
expect_file /var/lib/cloud/data/azure-reported-ready 02aab8a4-74ef-476e-8182-f6d2ba4166a6
pass "Azure: goal state fetched, Ready posted for its container and instance"

# The next boot of the same instance does not report again.
: >"$LOG"
rm -rf "$R/run" # a new boot
init
expect_query v1.instance_id 02aab8a4-74ef-476e-8182-f6d2ba4166a6
expect_srv_has "GET /metadata/instance"
expect_srv_lacks "comp=goalstate"
pass "Azure: ready is reported once per instance"

# --- ovf-env.xml: host name, default user, password, custom data -------------------
server_files
serve "GET /metadata/* require Metadata:true 400"
fresh target
ovf
boot
expect_query v1.instance_id 02aab8a4-74ef-476e-8182-f6d2ba4166a6
expect_query v1.local_hostname ovf-vm-1
expect_file /etc/motd "Provisioned by cloudboot from the bundled NoCloud example seed."
grep -q '^ovfadmin:' "$R/etc/passwd" || fail "the ovf's UserName is not the default user"
hash=$(grep '^ovfadmin:' "$R/etc/shadow" | cut -d: -f2)
case $hash in '$6$'*) ;; *) fail "ovfadmin's password is not a SHA-512 crypt hash: '$hash'" ;; esac
salt=${hash%\$*}
[ "$(python3 -c 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]))' 'Fixture-Passw0rd!' "$salt" 2>/dev/null || echo "$hash")" = "$hash" ] ||
	fail "ovfadmin's hash is not of the ovf's password"
grep -rlF "Fixture-Passw0rd!" "$OUT" "$R/var/lib/cloud" "$R/run" "$R/var/log" 2>/dev/null | grep -v "/seed/azure/ovf-env.xml$" >"$R.leak" || true
[ ! -s "$R.leak" ] ||
	fail "the ovf's password is in $(cat "$R.leak")"
vd=/var/lib/cloud/instances/02aab8a4-74ef-476e-8182-f6d2ba4166a6/vendor-data.txt
expect_mode "$vd" 600
grep -qF '"hashed_passwd": "$6$' "$R$vd" || fail "the default user's hash is not in $vd"
grep -q "AzureFixtureKey" "$R/home/ovfadmin/.ssh/authorized_keys" || fail "IMDS's key is not the default user's"
expect_srv_has "  |           <State>Ready</State>"
pass "Azure: ovf-env.xml's host name, user, hashed password and custom data"

# ovf-env.xml alone (IMDS answers 404): its data, the DMI UUID as instance-id.
server_files
serve "GET /metadata/* status 404"
fresh
ovf
init
expect_query v1.instance_id 0c7e1b2a-5d4f-4e3a-9b8c-1a2b3c4d5e6f
expect_query v1.local_hostname ovf-vm-1
expect_query v1.subplatform "seed-dir (/var/lib/cloud/seed/azure/ovf-env.xml)"
cb query v1.public_ssh_keys >"$R.keys" 2>&1 || fail "query v1.public_ssh_keys failed"
grep -q "AAAAIOvfFixtureKeyFromOvfEnv ovfadmin@example" "$R.keys" || fail "the ovf's key is not a public key: $(cat "$R.keys")"
rm -f "$R.keys"
expect_srv_has "  |           <State>Ready</State>"
pass "Azure: ovf-env.xml without IMDS"

# --- failures ---------------------------------------------------------------------
# A malformed ovf-env.xml: the failure is reported with where it broke.
server_files
serve "GET /metadata/* require Metadata:true 400"
fresh
mkdir -p "$R/var/lib/cloud/seed/azure"
printf '<Environment>\n  <broken>\n</Environment>\n' >"$R/var/lib/cloud/seed/azure/ovf-env.xml"
init
expect_query _cloudboot.datasource None
expect_srv_has "POST /machine?comp=health"
expect_srv_has "  |           <State>NotReady</State>"
expect_srv_has "  |             <SubStatus>ProvisioningFailed</SubStatus>"
expect_srv_has "  |             <Description>ovf-env.xml: 3:3: mismatched tag</Description>"
expect_output_has "/var/lib/cloud/seed/azure/ovf-env.xml:3:3: mismatched tag"
expect_output_has "Azure: reported the provisioning failure to the wireserver"
pass "fault: malformed ovf-env.xml reported as ProvisioningFailed"

# An ovf-env.xml with a DTD (entities): refused, reported.
fresh
mkdir -p "$R/var/lib/cloud/seed/azure"
printf '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>\n<x>&a;</x>\n' >"$R/var/lib/cloud/seed/azure/ovf-env.xml"
: >"$LOG"
init
expect_query _cloudboot.datasource None
expect_output_has "a document type declaration is not accepted"
expect_srv_has "<SubStatus>ProvisioningFailed</SubStatus>"
pass "fault: an ovf-env.xml with a DTD is refused"

# A password that is too long: reported, never shown.
fresh
ovf
sed -i "s|Fixture-Passw0rd!|$(printf 'S%.0s' $(seq 1 80))|" "$R/var/lib/cloud/seed/azure/ovf-env.xml"
: >"$LOG"
init
expect_query _cloudboot.datasource None
expect_output_has "the user password is longer than 72 characters"
! grep -q SSSSSSSSSS "$OUT" "$LOG" || fail "the refused password was shown"
pass "fault: a password over 72 characters is a provisioning failure"

# IMDS 404 and no ovf-env.xml: failure reported, None.
serve "GET /metadata/* status 404"
fresh
init
expect_query _cloudboot.datasource None
expect_srv_has "<Description>the instance metadata service (IMDS) cannot be read</Description>"
pass "fault: IMDS 404 without ovf-env.xml"

# IMDS malformed JSON: named with its position.
server_files
printf '{"compute": {"vmId": oops}}\n' >"$SRV/metadata/instance"
serve ""
fresh
init
expect_query _cloudboot.datasource None
expect_output_has "http://169.254.169.254/metadata/instance:1:"
expect_srv_has "ProvisioningFailed"
pass "fault: IMDS malformed JSON"

# IMDS times out: bounded by max_wait, then the failure.
server_files
serve "GET /metadata/* delay 3000"
fresh
init
expect_query _cloudboot.datasource None
expect_output_has "Timeout was reached"
pass "fault: IMDS timeout"

# The wireserver fails twice, then answers: retried to success.
server_files
serve "GET /machine/ fail-first 2 404"
fresh
init
[ "$(count '^GET /machine/?comp=goalstate')" = 3 ] || fail "the goal state was not asked for three times"
expect_srv_has "  |           <State>Ready</State>"
pass "fault: goal state fails twice then answers: retried"

# The wireserver always answers 500: bounded, and the instance still boots.
serve "GET /machine/ status 500"
fresh
init
expect_query _cloudboot.datasource Azure
n=$(count '^GET /machine/?comp=goalstate')
[ "$n" -ge 2 ] && [ "$n" -le 10 ] || fail "the goal state was asked for $n times (retries must be bounded)"
expect_srv_lacks "POST /machine"
expect_output_has "Azure: cannot fetch the goal state from 168.63.129.16"
expect_absent /var/lib/cloud/data/azure-reported-ready
pass "fault: a wireserver that always fails is given up ($n requests)"

# A malformed goal state: named, nothing posted.
server_files
printf '<GoalState><Incarnation>1</Incarnation><Container>\n' >"$SRV/machine/.listing"
serve ""
fresh
init
expect_output_has "http://168.63.129.16/machine/?comp=goalstate:2:1:"
expect_srv_lacks "POST /machine"
pass "fault: malformed goal state XML"

# A goal state without InstanceId: nothing posted.
server_files
sed -i '/<InstanceId>/d' "$SRV/machine/.listing"
serve ""
fresh
init
expect_output_has "the goal state has no Container/RoleInstanceList/RoleInstance/InstanceId"
expect_srv_lacks "POST /machine"
pass "fault: goal state without an InstanceId"

# The health report is refused (HTTP 400 each time): bounded.
server_files
serve "POST /machine status 400"
fresh
init
n=$(count '^POST /machine')
[ "$n" -ge 1 ] && [ "$n" -le 5 ] || fail "the health report was posted $n times"
expect_output_has "did not take the health report (ready)"
pass "fault: a refused health report is given up ($n posts)"
