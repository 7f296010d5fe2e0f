#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 23: on a machine whose DMI names no cloud, no network datasource
# opens a socket. Both datasource stages (init-local, then init, where the
# network datasources of the default datasource_list are probed) run under
# strace in a network namespace of their own (unshare -n: nothing could be
# reached anyway) on targets with a plain QEMU, VirtualBox and white-box PC
# identity; no AF_INET, AF_INET6, AF_PACKET or AF_NETLINK socket may be
# opened and nothing connected to but local sockets, and the boot finds the
# None datasource. The DMI identity of a cloud, as the counter-check, does
# open one (the probe is not merely broken).
if [ -z "${CB_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	command -v unshare >/dev/null || { echo "SKIP: unshare missing"; exit 77; }
	command -v strace >/dev/null || { echo "SKIP: strace missing"; exit 77; }
	unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
cleanup() { rm -rf "$R" "$OUT" "$R.strace"; }

# fresh SYS_VENDOR PRODUCT_NAME: a target with that identity, one physical NIC
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud" "$R/sys/class/net/eth0/device" "$R/usr/bin"
	echo "$1" >"$R/sys/class/dmi/id/sys_vendor"
	echo "$2" >"$R/sys/class/dmi/id/product_name"
	echo 0 >"$R/sys/class/dmi/id/product_serial"
	echo 6b1d1c1e-0000-4000-8000-000000000001 >"$R/sys/class/dmi/id/product_uuid"
	: >"$R/sys/class/dmi/id/chassis_asset_tag"
	echo 52:54:00:12:34:56 >"$R/sys/class/net/eth0/address"
	echo 1 >"$R/sys/class/net/eth0/type"
	echo 2 >"$R/sys/class/net/eth0/ifindex"
	# a DHCP client the ephemeral network could run, were it asked to
	: >"$R/usr/bin/busybox"
	chmod +x "$R/usr/bin/busybox"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	# short limits, in case a probe did go out
	printf 'datasource:\n  Ec2: {timeout: 1, max_wait: 2, retries: 0}\n' >>"$R/etc/cloud/cloud.cfg"
}
# traced STAGE...: run the stage under strace; its network syscalls in $R.strace
traced() {
	# LeakSanitizer cannot work under ptrace: off for these runs
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 120 strace -f -qq -e trace=socket,connect,sendto,execve -o "$R.strace" \
		"$CLOUDBOOT" --root "$R" "$@" >>"$OUT" 2>&1 || fail "$* under strace exited $?"
	grep -q "execve(\"$CLOUDBOOT\"" "$R.strace" || fail "strace traced nothing: $(head -n 3 "$R.strace")"
}
no_network_socket() { # WHAT
	if grep -E 'AF_INET|AF_INET6|AF_PACKET|AF_NETLINK' "$R.strace" >&2; then
		fail "$1: a network socket was opened"
	fi
	if grep -E 'connect\(' "$R.strace" | grep -v 'AF_UNIX' >&2; then
		fail "$1: a connection other than a local socket"
	fi
}

for id in "QEMU|Standard PC (i440FX + PIIX, 1996)" "innotek GmbH|VirtualBox" \
	"To Be Filled By O.E.M.|To Be Filled By O.E.M."; do
	vendor=${id%%|*} product=${id#*|}
	fresh "$vendor" "$product"
	traced init --local
	no_network_socket "init-local on $vendor"
	traced init
	no_network_socket "init on $vendor"
	expect_output_has "No local datasource found"
	[ "$(cb query _cloudboot.datasource)" = None ] || fail "on $vendor the datasource is $(cb query _cloudboot.datasource), not None"
	pass "$vendor ($product): no network datasource opens a socket in init-local or init"
done

# the counter-check: EC2's identity makes the Ec2 probe open one
fresh "Amazon EC2" t3.micro
echo ec2e1916-9099-7caf-fd21-012345abcdef >"$R/sys/class/dmi/id/product_uuid"
traced init
grep -qE 'socket\(AF_INET6?, SOCK_STREAM' "$R.strace" || fail "on EC2's identity no socket was opened: the check proves nothing"
pass "counter-check: on EC2's identity the init stage does open a socket"
