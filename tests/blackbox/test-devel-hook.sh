#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `cloudboot devel hook`, what install_hotplug's udev rule runs: nothing
# before the boot has finished or while the rule is absent; for an added NIC
# the datasource read again and its network configuration written anew (the
# new NIC's file appears); refusals of another subsystem and a bad devpath.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
make_target

nic() { # NAME MAC INDEX
	mkdir -p "$R/sys/class/net/$1/device"
	echo "$3" >"$R/sys/class/net/$1/ifindex"
	echo "$2" >"$R/sys/class/net/$1/address"
	echo 1 >"$R/sys/class/net/$1/type"
}
netcfg() { # the seed's network-config for the NICs given as NAME=MAC
	{
		echo 'version: 2'
		echo 'ethernets:'
		for p in "$@"; do
			printf '  %s:\n    match: {macaddress: "%s"}\n    dhcp4: true\n' "${p%%=*}" "${p#*=}"
		done
	} >"$R/var/lib/cloud/seed/nocloud/network-config"
}
RULES=/etc/udev/rules.d/90-cloud-init-hook-hotplug.rules
seed "instance-id: iid-hook-1
" "#cloud-config
"
mkdir -p "$R/sys/class/net/lo" "$R/usr/lib/systemd"
: >"$R/usr/lib/systemd/systemd-networkd"
nic ens3 52:54:00:00:00:03 2
netcfg ens3=52:54:00:00:00:03
cb devel hook --subsystem net --devpath /devices/pci0000:00/net/ens4 --udevaction add >"$OUT" 2>&1 ||
	fail "hook before the boot exited $?"
expect_output_has "Not running hotplug, not ready yet"
pass "before the boot has finished: nothing"

boot
[ -f "$R/etc/systemd/network/10-cloudboot-ens3.network" ] || fail "the boot wrote no ens3 file"
cb devel hook --subsystem net --devpath /devices/pci0000:00/net/ens4 --udevaction add >"$OUT" 2>&1 ||
	fail "hook without the rule exited $?"
expect_output_has "hotplug is not enabled"
[ "$(cb devel hotplug-hook -s net query)" = disabled ] || fail "query does not say disabled"
pass "without the rule: nothing, and query says disabled"

mkdir -p "$R/etc/udev/rules.d"
: >"$R$RULES"
[ "$(cb devel hotplug-hook -s net query)" = enabled ] || fail "query does not say enabled"
nic ens4 52:54:00:00:00:04 3
netcfg ens3=52:54:00:00:00:03 ens4=52:54:00:00:00:04
SUBSYSTEM=net DEVPATH=/devices/pci0000:00/net/ens4 ACTION=add cb devel hook >"$OUT" 2>&1 ||
	fail "hook for ens4 exited $?"
F=/etc/systemd/network/10-cloudboot-ens4.network
[ -f "$R$F" ] || fail "$F was not written"
grep -qx "MACAddress=52:54:00:00:00:04" "$R$F" || fail "$F does not match ens4's MAC"
expect_output_has "Configuring the network again for ens4"
pass "an added NIC: the datasource read again, its file written (udev's environment)"

cb devel hotplug-hook -s net handle --devpath /devices/pci0000:00/net/ens4 --udevaction remove \
	>"$OUT" 2>&1 || fail "remove exited $?"
[ -f "$R$F" ] || fail "a removed NIC took the configuration away"
set +e
cb devel hook --subsystem block --devpath /devices/x/vdb --udevaction add >"$OUT" 2>&1
a=$?
cb devel hook --subsystem net --devpath '/devices/x/net/a;b' --udevaction add >>"$OUT" 2>&1
b=$?
set -e
[ "$a" = 1 ] && [ "$b" = 1 ] || fail "block subsystem exited $a, bad devpath $b (want 1, 1)"
expect_output_has "subsystem 'block' is not supported"
expect_output_has "does not end in an interface name"
pass "remove changes nothing; another subsystem and a bad devpath are refused"
