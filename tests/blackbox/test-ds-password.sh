#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# CloudStack's and Exoscale's password server (port 8080), against fakemeta
# in a network namespace of the test's own: the metadata service on port 80
# (tests/fixtures/ds/<cloud>) and the password server on 8080. A password it
# gives is asked for with "DomU_Request: send_my_password", acknowledged with
# "DomU_Request: saved_password" and set for the default user (a hash in
# /etc/shadow, PasswordAuthentication on); the clear text is in no log, not in
# instance-data.json and only in root's 0600 files. "saved_password", an empty
# answer, "bad_request", an HTTP error and a server that does not answer give
# no password, no acknowledgement, and the boot goes on.
if [ -z "${CB_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	command -v unshare >/dev/null && command -v ip >/dev/null || { echo "SKIP: unshare or ip missing"; exit 77; }
	unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
for tool in useradd chpasswd; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

FIX="$TOP_SRCDIR/tests/fixtures/ds"
NS=cbtest-pw-$$
MDPID= PWPID=
cleanup() {
	[ -z "$MDPID" ] || kill "$MDPID" 2>/dev/null || true
	[ -z "$PWPID" ] || kill "$PWPID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$R.md" "$R.pw" "$R".rules.* "$R".port.* "$R.mdlog" "$R.pwlog"
}

ip link set lo up
ip netns add "$NS" || { echo "SKIP: ip netns add failed"; exit 77; }
ip link add cb0 type veth peer name cb1 netns "$NS"
ip addr add 169.254.0.2/16 dev cb0
ip link set cb0 up
ip -n "$NS" link set lo up
ip -n "$NS" addr add 169.254.169.254/16 dev cb1
ip -n "$NS" link set cb1 up

# start NAME LISTEN DIR RULES: fakemeta as NAME (md or pw), logging to $R.NAMElog
start() {
	eval "old=\$$(echo "$1" | tr a-z A-Z)PID"
	[ -z "$old" ] || { kill "$old"; wait "$old" 2>/dev/null || true; }
	printf '%s\n' "$4" >"$R.rules.$1"
	: >"$R.${1}log"
	fakemeta_start "$R.port.$1" ip netns exec "$NS" "$FAKEMETA" --listen "$2" --rules "$R.rules.$1" --log "$R.${1}log" "$3"
	eval "$(echo "$1" | tr a-z A-Z)PID=\$SRVPID"
}
# metadata CLOUD: the cloud's fixture on port 80
metadata() {
	rm -rf "$R.md"
	cp -r "$FIX/$1" "$R.md"
	chmod -R u+w "$R.md"
	start md 169.254.169.254:80 "$R.md" ""
}
# pwserver RULES: the password server on port 8080
pwserver() {
	rm -rf "$R.pw"
	mkdir -p "$R.pw"
	start pw 169.254.169.254:8080 "$R.pw" "$1"
}
# fresh CLOUD: a target on that cloud that creates the default user and sets passwords
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	make_target
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud/cloud.cfg.d" "$R/etc/ssh" "$R/run/systemd/netif/leases"
	case $1 in
	cloudstack)
		echo "Apache Software Foundation" >"$R/sys/class/dmi/id/sys_vendor"
		echo "CloudStack KVM Hypervisor" >"$R/sys/class/dmi/id/product_name"
		printf 'SERVER_ADDRESS=169.254.169.254\n' >"$R/run/systemd/netif/leases/2" ;;
	exoscale)
		echo "Exoscale" >"$R/sys/class/dmi/id/sys_vendor"
		echo "Exoscale Compute Platform" >"$R/sys/class/dmi/id/product_name" ;;
	esac
	echo 0 >"$R/sys/class/dmi/id/product_serial"
	: >"$R/sys/class/dmi/id/chassis_asset_tag"
	printf 'PasswordAuthentication no\n' >"$R/etc/ssh/sshd_config"
	cat >"$R/etc/cloud/cloud.cfg" <<-'CFG'
	system_info:
	  default_user: {name: debian, lock_passwd: true, shell: /bin/sh}
	cloud_init_modules: [users_groups, set_passwords]
	cloud_config_modules: []
	cloud_final_modules: []
	datasource:
	  CloudStack: {timeout: 1, max_wait: 3, retries: 1}
	  Exoscale: {timeout: 1, max_wait: 3, retries: 1}
	CFG
}
init() { timeout 120 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "init exited $?"; }
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
# asked HOW...: the password server's log, in order, holds exactly these DomU_Request values
asked() {
	got=$(sed -n 's/^  [Dd]om[Uu]_[Rr]equest: *//p' "$R.pwlog" | tr '\n' ' ')
	[ "$got" = "$* " ] || { cat "$R.pwlog" >&2; fail "the password server was asked '$got', expected '$* '"; }
}
# has_password SECRET: the default user's password is set from it, and the clear text is nowhere else
has_password() {
	grep -q '^debian:\$' "$R/etc/shadow" || { cat "$R/etc/shadow" >&2; fail "debian has no password hash"; }
	! grep -qF -- "$1" "$R/etc/shadow" || fail "the clear-text password is in /etc/shadow"
	grep -rqx 'PasswordAuthentication yes' "$R/etc/ssh" || fail "ssh_pwauth did not turn PasswordAuthentication on"
	no_clear_text "$1"
}
no_clear_text() { # SECRET
	for f in "$OUT" "$R/var/log/cloud-init.log" "$R/var/log/cloud-init-output.log" \
		"$R/run/cloud-init/instance-data.json" "$R/run/cloud-init/status.json" \
		"$R/run/cloud-init/result.json" "$R.mdlog" "$R.pwlog"; do
		[ ! -e "$f" ] || ! grep -qF -- "$1" "$f" || fail "the password is in ${f#"$R"}"
	done
	for f in $(grep -rlF -- "$1" "$R" 2>/dev/null); do
		[ "$(stat -c %u:%a "$f")" = 0:600 ] || fail "${f#"$R"} holds the password with owner:mode $(stat -c %u:%a "$f")"
	done
	[ -z "$(cb query v1 2>/dev/null | grep -F -- "$1")" ] || fail "query v1 shows the password"
}
no_password() {
	grep -q '^debian:!' "$R/etc/shadow" || grep -q '^debian:\*' "$R/etc/shadow" ||
		{ cat "$R/etc/shadow" >&2; fail "debian has a password"; }
	expect_absent /run/cloud-init/cloudboot-ds-config.json
	grep -qx 'PasswordAuthentication no' "$R/etc/ssh/sshd_config" || fail "sshd_config was changed"
}

# --- CloudStack ---------------------------------------------------------
PW=mk-cs-Pw-9Kq2
metadata cloudstack
pwserver "GET / body $PW"
fresh cloudstack
init
expect_query v1.instance_id i-3-29-VM
asked send_my_password saved_password
has_password "$PW"
expect_mode /run/cloud-init/cloudboot-ds-config.json 600
expect_output_has "CloudStack: a password for the default user from the password server at http://169.254.169.254:8080 (acknowledged)"
pass "CloudStack: the password server's password is set for the default user and acknowledged"

# the modules stages read the same configuration; the next boot's init-local drops it
cb modules --mode config >>"$OUT" 2>&1 || fail "modules --mode config exited $?"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
expect_absent /run/cloud-init/cloudboot-ds-config.json
no_clear_text "$PW"
pass "CloudStack: the password is kept for this boot only, in a root-only file"

for answer in saved_password "" bad_request; do
	pwserver "GET / body $answer"
	fresh cloudstack
	init
	expect_query v1.instance_id i-3-29-VM
	asked send_my_password
	no_password
	pass "CloudStack: '$answer' from the password server is no password, and no acknowledgement"
done
expect_output_has "CloudStack: the password server at http://169.254.169.254:8080 refused the request"

pwserver "GET / status 500"
fresh cloudstack
init
expect_query v1.instance_id i-3-29-VM
no_password
expect_output_has "CloudStack: the password server at http://169.254.169.254:8080 refused the request"
pass "CloudStack: an HTTP error from the password server: no password, the boot goes on"

pwserver "GET / delay 5000"
fresh cloudstack
init
expect_query v1.instance_id i-3-29-VM
no_password
expect_output_has "CloudStack: cannot fetch the password from the virtual router's password server at http://169.254.169.254:8080"
pass "CloudStack: a password server that does not answer: no password, the boot goes on"

kill "$PWPID"
wait "$PWPID" 2>/dev/null || true
PWPID=
fresh cloudstack
init
expect_query v1.instance_id i-3-29-VM
no_password
pass "CloudStack: no password server at all: no password, the boot goes on"

pwserver "GET / body $(printf 'bad\tpassword')"
fresh cloudstack
init
asked send_my_password
no_password
expect_output_has "gave no usable password"
pass "CloudStack: a password with a control character is refused, not acknowledged"

pwserver "GET / body $(printf '%0300d' 7)"
fresh cloudstack
init
asked send_my_password
no_password
expect_output_has "gave no usable password"
pass "CloudStack: a password longer than 256 bytes is refused, not acknowledged"

# --- Exoscale -----------------------------------------------------------
PW=mk-exo-Pw-3Tz7
metadata exoscale
pwserver "GET /1.0/ body $PW"
fresh exoscale
init
expect_query v1.instance_id 1e3a6e48-3ad4-4e06-9d2c-3b9fd9a9bd06
asked send_my_password saved_password
grep -q '^GET /1.0/$' "$R.pwlog" || { cat "$R.pwlog" >&2; fail "the password server was not asked at /1.0/"; }
has_password "$PW"
expect_output_has "Exoscale: a password for the default user from the password server at http://169.254.169.254:8080/1.0/ (acknowledged)"
pass "Exoscale: the password server's password is set for the default user and acknowledged"

for answer in saved_password ""; do
	pwserver "GET /1.0/ body $answer"
	fresh exoscale
	init
	[ "$(cb query _cloudboot.datasource)" = Exoscale ] || fail "Exoscale was not found"
	asked send_my_password
	no_password
	pass "Exoscale: '$answer' from the password server is no password, and no acknowledgement"
done

pwserver "GET /1.0/ delay 5000"
fresh exoscale
init
[ "$(cb query _cloudboot.datasource)" = Exoscale ] || fail "Exoscale was not found"
no_password
expect_output_has "Exoscale: failed to read from the password server at http://169.254.169.254:8080/1.0/"
pass "Exoscale: a password server that does not answer: no password, the boot goes on"

pwserver "GET /1.0/ body $PW"
fresh exoscale
printf 'datasource:\n  Exoscale: {password_server_port: 8081}\n' >"$R/etc/cloud/cloud.cfg.d/50-port.cfg"
init
[ "$(cb query _cloudboot.datasource)" = Exoscale ] || fail "Exoscale was not found"
[ ! -s "$R.pwlog" ] || fail "the password server on 8080 was asked despite password_server_port"
expect_output_has "http://169.254.169.254:8081/1.0/"
no_password
pass "Exoscale: password_server_port is where the password is asked"
