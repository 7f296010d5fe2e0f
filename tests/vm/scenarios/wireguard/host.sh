#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The host's end of the wireguard scenario's tunnel, in the network namespace
# the harness runs this scenario's QEMU in (HOST_NETNS=1 in scenario.conf):
#   host.sh up NETNS RUN-DIR     the namespace, its loopback, and a wg interface
#                                (10.99.0.1/24, UDP 51820), the guest as peer
#   host.sh down NETNS RUN-DIR   "CHECK PASS|FAIL" lines for the tunnel as the
#                                host saw it, then everything removed
# QEMU's user-mode network sends the guest's packets for 10.0.2.2 to the
# namespace's loopback, so the guest's Endpoint = 10.0.2.2:51820 reaches wg0
# and nothing else: the namespace has no other interface. The host's kernel
# may have no wireguard module: wireguard-go (userspace, a TUN device in the
# namespace) is used, configured with wg from wireguard-tools. Its control
# socket (/var/run/wireguard/IF.sock) is not in the namespace but in the
# host's filesystem: the interface gets a name of this run's own (cbwg and the
# namespace's number), so parallel runs and the host's own wg0 do not meet.
set -u
cmd=$1 ns=$2 out=$3
dir=$(cd "$(dirname "$0")" && pwd)
wgif=cbwg${ns##*-}
wgif=${wgif:0:15}
in_ns() { ip netns exec "$ns" "$@"; }

case $cmd in
up)
	ip netns add "$ns" || exit 1
	ip -n "$ns" link set lo up
	# in the foreground, in the namespace: "down" ends what runs there
	ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 wireguard-go "$wgif" \
		>"$out/wireguard-go.log" 2>&1 </dev/null &
	for _ in $(seq 50); do
		ip -n "$ns" link show "$wgif" >/dev/null 2>&1 && break
		sleep 0.1
	done
	in_ns wg set "$wgif" listen-port 51820 private-key "$dir/host.key" \
		peer "$(cat "$dir/guest.pub")" allowed-ips 10.99.0.2/32 &&
		ip -n "$ns" addr add 10.99.0.1/24 dev "$wgif" &&
		ip -n "$ns" link set "$wgif" up &&
		echo "HOST: $wgif up in $ns: $(ip -n "$ns" -o -4 addr show "$wgif" | awk '{print $4}'), UDP $(in_ns wg show "$wgif" listen-port)" ||
		echo "HOST: $wgif could not be set up in $ns: $(tail -n 2 "$out/wireguard-go.log" | tr '\n' ' ')"
	;;
down)
	hs=$(in_ns wg show "$wgif" latest-handshakes 2>&1 | awk '{print $2}')
	# transfer: received and sent bytes from the guest's peer
	read -r _ rx tx < <(in_ns wg show "$wgif" transfer 2>/dev/null) || true
	if [ -n "$hs" ] && [ "$hs" != 0 ]; then
		echo "CHECK PASS wg-host-handshake"
	else
		echo "CHECK FAIL wg-host-handshake: no handshake with the guest (latest-handshakes: ${hs:-none})"
	fi
	if [ "${rx:-0}" -gt 0 ] && [ "${tx:-0}" -gt 0 ]; then
		echo "CHECK PASS wg-host-transfer"
	else
		echo "CHECK FAIL wg-host-transfer: received ${rx:-0} sent ${tx:-0} bytes"
	fi
	echo "HOST: $wgif received ${rx:-0} sent ${tx:-0} bytes; handshake at ${hs:-none}"
	# QEMU has exited: what still runs in the namespace is this script's wireguard-go
	pids=$(ip netns pids "$ns" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
	sleep 0.5
	ip netns del "$ns" 2>/dev/null
	;;
esac
exit 0
