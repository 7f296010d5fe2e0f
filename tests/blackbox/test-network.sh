#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The network step of init-local on a temporary root: a NoCloud seed's
# network-config written for systemd-networkd before the network starts,
# names resolved through the target's /sys/class/net, nothing rewritten on
# the next boot, and the switches that leave the network alone.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

nics() {
	for n in lo ens3; do mkdir -p "$R/sys/class/net/$n"; done
	mkdir -p "$R/sys/class/net/ens3/device"
	echo 2 >"$R/sys/class/net/ens3/ifindex"
	echo 52:54:00:12:34:56 >"$R/sys/class/net/ens3/address"
	echo 1 >"$R/sys/class/net/ens3/type"
	mkdir -p "$R/usr/lib/systemd"
	: >"$R/usr/lib/systemd/systemd-networkd"
}
seed "instance-id: iid-net-1
" "#cloud-config
"
printf '%s\n' 'version: 2' 'ethernets:' '  nic:' '    match: {macaddress: "52:54:00:12:34:56"}' \
	'    addresses: [10.0.2.15/24]' '    routes: [{to: default, via: 10.0.2.2}]' \
	'    nameservers: {addresses: [10.0.2.3]}' >"$R/var/lib/cloud/seed/nocloud/network-config"
nics
cb init --local >"$OUT" 2>&1 || fail "init --local exited $?"
F=/etc/systemd/network/10-cloudboot-ens3.network
[ -f "$R$F" ] || fail "$F was not written (the MAC names ens3 in /sys/class/net)"
grep -qx "MACAddress=52:54:00:12:34:56" "$R$F" || fail "$F does not match the MAC"
grep -qx "Address=10.0.2.15/24" "$R$F" || fail "$F lacks the address"
grep -qx "Gateway=10.0.2.2" "$R$F" || fail "$F lacks the default route"
grep -qx "DNS=10.0.2.3" "$R$F" || fail "$F lacks the DNS server"
expect_output_has "Network configuration from /var/lib/cloud/seed/nocloud/network-config written for networkd"
pass "network-config written for networkd in init-local"

echo "# edited" >>"$R$F"
cb init --local >"$OUT" 2>&1 || fail "second init --local exited $?"
grep -qx "# edited" "$R$F" || fail "the next boot rewrote $F"
pass "the next boot of the same instance leaves it alone"

rm -rf "$R/etc/systemd/network"
mkdir -p "$R/etc/cloud/cloud.cfg.d"
printf 'network: {config: disabled}\n' >"$R/etc/cloud/cloud.cfg.d/99-disable-network-config.cfg"
sed -i 's/iid-net-1/iid-net-2/' "$R/var/lib/cloud/seed/nocloud/meta-data"
cb init --local >"$OUT" 2>&1 || fail "init --local exited $?"
[ ! -e "$R$F" ] || fail "$F written although the network config is disabled"
expect_output_has "Network configuration left alone: network: {config: disabled}"
pass "99-disable-network-config.cfg leaves the network alone"
