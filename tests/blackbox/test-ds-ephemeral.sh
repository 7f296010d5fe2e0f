#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# init-local reads a cloud's metadata service before the system's network is
# up, over an ephemeral network on the primary NIC: a lease from the target's
# own DHCP client (busybox udhcpc, run once in the target; dhclient and
# dhcpcd where the machine has them), or an IPv4
# link-local address. The test runs in a new network namespace (unshare -n);
# a second namespace behind a veth pair holds a DHCP server (busybox udhcpd)
# and fakemeta on 169.254.169.254. After each run nothing of the ephemeral
# network is left: no address, no route, no client process, no client file.
if [ -z "${CB_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	command -v unshare >/dev/null && command -v ip >/dev/null || { echo "SKIP: unshare or ip missing"; exit 77; }
	unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
BUSYBOX=$(command -v busybox) || { echo "SKIP: busybox (busybox-static) missing"; exit 77; }
# udhcpc runs chrooted in the target: it needs a busybox that is static
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' || { echo "SKIP: $BUSYBOX is not static"; exit 77; }

FIX="$TOP_SRCDIR/tests/fixtures/ds"
EXAMPLE="$TOP_SRCDIR/data/examples/nocloud"
NS=cbtest-eph-$$
SRV="$R.srv"
SRVPID=
DHCPPID=
cleanup() {
	[ -z "$SRVPID" ] || kill "$SRVPID" 2>/dev/null || true
	[ -z "$DHCPPID" ] || kill "$DHCPPID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.port" "$R.strace"
}

ip link set lo up
ip netns add "$NS" || { echo "SKIP: ip netns add failed"; exit 77; }
# cb0 stays down and without an address: the image has no network config
ip link add cb0 address 0e:49:61:0f:c3:11 type veth peer name cb1 netns "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 10.9.0.1/24 dev cb1
ip -n "$NS" addr add 169.254.169.254/16 dev cb1
ip -n "$NS" link set cb1 up

rm -rf "$SRV"
mkdir -p "$SRV"
cp -r "$FIX/ec2" "$SRV/imds"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
cp "$EXAMPLE/user-data" "$SRV/imds/2021-03-23/user-data"
# the primary NIC's MAC: the network-config of the meta-data names it
printf 0 >"$SRV/imds/2021-03-23/meta-data/network/interfaces/macs/0e:49:61:0f:c3:11/device-number"
printf 'PUT /latest/api/token body AQAEAtoken==\n* * require X-aws-ec2-metadata-token:AQAEAtoken== 401\n' >"$R.rules"
fakemeta_start "$R.port" ip netns exec "$NS" "$FAKEMETA" --listen 169.254.169.254:80 --rules "$R.rules" --log "$SRV/requests" "$SRV/imds"

dhcpd_start() {
	cat >"$SRV/udhcpd.conf" <<-CONF
	start 10.9.0.50
	end 10.9.0.60
	interface cb1
	lease_file $SRV/udhcpd.leases
	pidfile $SRV/udhcpd.pid
	option subnet 255.255.255.0
	option router 10.9.0.1
	option lease 600
	${1:-}
	CONF
	: >"$SRV/udhcpd.leases"
	ip netns exec "$NS" "$BUSYBOX" udhcpd -f "$SRV/udhcpd.conf" >"$SRV/udhcpd.log" 2>&1 &
	DHCPPID=$!
}
dhcpd_start

fresh() { # SYS_VENDOR [PRODUCT_UUID]
	rm -rf "$R" "$OUT"
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud" "$R/usr/bin" "$R/bin" "$R/run" "$R/sys/class/net/cb0/device"
	echo "$1" >"$R/sys/class/dmi/id/sys_vendor"
	echo t3.micro >"$R/sys/class/dmi/id/product_name"
	echo "${2:-ec2e1916-9099-7caf-fd21-012345abcdef}" >"$R/sys/class/dmi/id/product_uuid"
	echo 0e:49:61:0f:c3:11 >"$R/sys/class/net/cb0/address"
	echo 1 >"$R/sys/class/net/cb0/type"
	# the target's DHCP client: busybox's udhcpc, and a shell for its script
	cp "$BUSYBOX" "$R/usr/bin/busybox"
	ln -s /usr/bin/busybox "$R/bin/sh"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	printf 'system_info:\n  network:\n    renderers: [networkd]\n' >>"$R/etc/cloud/cloud.cfg"
}
local_init() { timeout 120 "$CLOUDBOOT" --root "$R" init --local >"$OUT" 2>&1 || fail "init --local exited $?"; }
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
expect_output_has() { grep -qF -- "$1" "$OUT" || fail "the output lacks: $1"; }
# nothing of the ephemeral network is left behind
expect_torn_down() {
	a=$(ip -4 -o addr show dev cb0)
	[ -z "$a" ] || fail "cb0 keeps an address: $a"
	rt=$(ip -4 route show)
	[ -z "$rt" ] || fail "routes are left: $rt"
	ip -o link show dev cb0 | grep -q '[<,]UP[,>]' && fail "cb0 is left up"
	for p in /proc/[0-9]*; do
		grep -qa ephemeral-dhcp "$p/cmdline" 2>/dev/null && fail "a DHCP client is left: $(tr '\0' ' ' <"$p/cmdline")"
	done
	left=$(find "$R/var/tmp" "$R/run" -name 'ephemeral-dhcp*' 2>/dev/null || true)
	[ -z "$left" ] || fail "the DHCP client's files are left: $left"
}

# EC2's DMI identity, no network at all: init-local leases an address from
# the DHCP server through the target's udhcpc, reads the IMDS through the
# router the lease names, renders the network-config of the meta-data, and
# takes the ephemeral network down again.
fresh "Amazon EC2"
local_init
expect_output_has "Ephemeral network on cb0: 10.9.0.5"
expect_output_has "/24 (DHCP), for the metadata service"
grep -q "ephemeral: route 0.0.0.0/0 via 10.9.0.1 on cb0" "$R/var/log/cloud-init.log" ||
	fail "no default route through the lease's router"
expect_query v1.instance_id i-1234567890abcdef0
expect_query v1.cloud_name aws
expect_query v1.subplatform "metadata (http://169.254.169.254)"
grep -q "PUT /latest/api/token" "$SRV/requests" || fail "the IMDS saw no token request"
expect_output_has "Network configuration from http://169.254.169.254/network-config written for networkd"
grep -qx "MACAddress=0e:49:61:0f:c3:11" "$R"/etc/systemd/network/10-cloudboot-*.network ||
	fail "the rendered network config does not match cb0's MAC: $(cat "$R"/etc/systemd/network/* 2>&1)"
expect_torn_down
pass "EC2 in init-local over a DHCP lease from the target's udhcpc; all torn down after"

# The init stage takes what init-local found: no second probe.
n_req=$(wc -l <"$SRV/requests")
timeout 120 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "init exited $?"
[ "$(wc -l <"$SRV/requests")" = "$n_req" ] || fail "the init stage probed the IMDS again"
expect_query v1.instance_id i-1234567890abcdef0
pass "the init stage keeps init-local's datasource"

# dhclient, when the target has it, before udhcpc (cloud-init's order); with
# option 121 (classless static routes) from the server, which replaces the
# router (RFC 3442). It puts itself in the background: stopped again.
if DHCLIENT=$(command -v dhclient); then
	fresh "Amazon EC2"
	for f in "$DHCLIENT" $(ldd "$DHCLIENT" | grep -o '/[^ ]*'); do
		mkdir -p "$R$(dirname "$f")"
		cp "$f" "$R$f"
	done
	kill "$DHCPPID" 2>/dev/null || true
	wait "$DHCPPID" 2>/dev/null || true
	dhcpd_start 'option staticroutes 10.0.0.0/8 10.9.0.1, 0.0.0.0/0 10.9.0.1'
	local_init
	expect_output_has "Ephemeral network on cb0: 10.9.0.5"
	expect_query v1.instance_id i-1234567890abcdef0
	grep -q "ephemeral: running $DHCLIENT on cb0" "$R/var/log/cloud-init.log" || fail "dhclient did not run"
	grep -q "ephemeral: route 10.0.0.0/8 via 10.9.0.1 on cb0" "$R/var/log/cloud-init.log" ||
		fail "the classless static route 10.0.0.0/8 was not set: $(grep 'ephemeral: route' "$R/var/log/cloud-init.log")"
	grep -q "ephemeral: route 0.0.0.0/0 via 10.9.0.1 on cb0" "$R/var/log/cloud-init.log" ||
		fail "the classless default route was not set"
	expect_torn_down
	pass "dhclient in the target, with classless static routes; stopped and all torn down after"
	kill "$DHCPPID" 2>/dev/null || true
	wait "$DHCPPID" 2>/dev/null || true
	dhcpd_start
fi

# dhcpcd, when the target has it, before dhclient and udhcpc (cloud-init's
# order): in its test mode, which hands the offer to the script and
# configures nothing. DHCPCD may name one that is not installed.
if DHCPCD=${DHCPCD:-$(command -v dhcpcd)} && [ -x "$DHCPCD" ]; then
	fresh "Amazon EC2"
	# as on the system: dhcpcd reopens its stdin from /dev/null and locks
	# /var/run/.pid in test mode
	mkdir -p "$R/usr/sbin" "$R/dev" "$R/var"
	mknod "$R/dev/null" c 1 3
	ln -s /run "$R/var/run"
	# its user, as the package makes it: dhcpcd then separates privileges
	mkdir -p "$R/etc" "$R/usr/lib/dhcpcd"
	echo 'dhcpcd:x:100:65534:DHCP Client Daemon,,,:/usr/lib/dhcpcd:/bin/false' >"$R/etc/passwd"
	cp "$DHCPCD" "$R/usr/sbin/dhcpcd"
	for f in $(ldd "$DHCPCD" | grep -o '/[^ ]*'); do
		mkdir -p "$R$(dirname "$f")"
		cp "$f" "$R$f"
	done
	kill "$DHCPPID" 2>/dev/null || true
	wait "$DHCPPID" 2>/dev/null || true
	dhcpd_start 'option staticroutes 10.0.0.0/8 10.9.0.1, 0.0.0.0/0 10.9.0.1'
	local_init
	expect_output_has "Ephemeral network on cb0: 10.9.0.5"
	expect_query v1.instance_id i-1234567890abcdef0
	grep -q "ephemeral: running /usr/sbin/dhcpcd on cb0" "$R/var/log/cloud-init.log" || fail "dhcpcd did not run"
	grep -q "ephemeral: route 10.0.0.0/8 via 10.9.0.1 on cb0" "$R/var/log/cloud-init.log" ||
		fail "the classless static route 10.0.0.0/8 was not set: $(grep 'ephemeral: route' "$R/var/log/cloud-init.log")"
	[ ! -e "$R/run/.pid" ] || fail "dhcpcd left its pid file"
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" != "$R/usr/sbin/dhcpcd" ] ||
			fail "a dhcpcd process is left: $(tr '\0' ' ' <"$p/cmdline")"
	done
	[ ! -e "$R/var/lib/dhcpcd" ] || fail "dhcpcd wrote $(ls -R "$R/var/lib/dhcpcd")"
	expect_torn_down
	pass "dhcpcd in the target (test mode), with classless static routes; all torn down after"
	kill "$DHCPPID" 2>/dev/null || true
	wait "$DHCPPID" 2>/dev/null || true
	dhcpd_start
fi

# Link-local instead of DHCP (as a cloud that allows it has it): 169.254.x.y/16.
fresh "Amazon EC2"
CLOUDBOOT_TEST_EPHEMERAL=linklocal local_init
expect_output_has "/16 (link-local), for the metadata service"
expect_output_has "Ephemeral network on cb0: 169.254."
expect_query v1.instance_id i-1234567890abcdef0
expect_torn_down
pass "EC2 in init-local over an IPv4 link-local address; all torn down after"

# datasource_list in a file names Ec2: probed off EC2's DMI identity too.
fresh QEMU 0c2b5c4e-0000-0000-0000-000000000000
mkdir -p "$R/etc/cloud/cloud.cfg.d"
echo 'datasource_list: [Ec2, None]' >"$R/etc/cloud/cloud.cfg.d/90-ds.cfg"
local_init
expect_query v1.instance_id i-1234567890abcdef0
expect_torn_down
pass "a datasource_list naming Ec2 probes it in init-local off its DMI identity"

# No DMI identity and no list naming a cloud: no socket for the network at all.
if command -v strace >/dev/null; then
	fresh QEMU 0c2b5c4e-0000-0000-0000-000000000000
	# LeakSanitizer cannot work under ptrace: off for this one run
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 120 strace -f -qq -e trace=socket,execve -o "$R.strace" "$CLOUDBOOT" --root "$R" init --local >"$OUT" 2>&1 ||
		fail "init --local under strace exited $?"
	expect_output_has "No local datasource found"
	grep -q "execve(\"$CLOUDBOOT\"" "$R.strace" || fail "strace traced nothing: $(head -n 3 "$R.strace")"
	if grep -E 'AF_INET|AF_INET6|AF_NETLINK|AF_PACKET' "$R.strace"; then
		fail "init-local off a cloud opened a network socket"
	fi
	expect_torn_down
	pass "off a cloud init-local opens no network socket"
fi

# No DHCP answer: bounded by the client's tries, nothing left behind, and
# no datasource in init-local (the network stage tries again).
kill "$DHCPPID" 2>/dev/null || true
wait "$DHCPPID" 2>/dev/null || true
DHCPPID=
fresh "Amazon EC2"
mkdir -p "$R/etc/cloud/cloud.cfg.d"
echo 'datasource_list: [Ec2, GCE, None]' >"$R/etc/cloud/cloud.cfg.d/90-ds.cfg"
local_init
expect_output_has "Ec2: no ephemeral network in init-local (no DHCP lease); left to the network stage"
expect_output_has "No local datasource found"
# GCE would need the same DHCP: not tried a second time
[ "$(grep -c 'no ephemeral network' "$OUT")" = 1 ] || fail "the DHCP client ran more than once: $(grep 'no ephemeral' "$OUT")"
expect_torn_down
pass "no DHCP answer: init-local goes on without the datasource, all torn down"

# A NIC that is not physical (no device in sysfs) is not the primary NIC.
dhcpd_start
fresh "Amazon EC2"
rm -r "$R/sys/class/net/cb0/device"
local_init
expect_output_has "Ec2: no ephemeral network in init-local (no physical network interface)"
expect_torn_down
pass "no physical NIC: no ephemeral network"

# No DHCP client in the target.
fresh "Amazon EC2"
rm "$R/usr/bin/busybox"
local_init
expect_output_has "Ec2: no ephemeral network in init-local (no DHCP client in the target)"
expect_torn_down
pass "no DHCP client in the target: no ephemeral network"
