# SPDX-License-Identifier: Apache-2.0
# A static address and routes from network-config, on a NIC renamed lan0.
check net-static-written test -f /etc/systemd/network/10-cloudboot-lan0.network
check net-static-logged sh -c 'journalctl -b -u cloudboot-local.service | grep -q "Network configuration from .*network-config written for networkd"'
check net-static-renamed ip link show lan0
check net-static-address sh -c 'ip -4 -o addr show dev lan0 | grep -q "inet 10.0.2.50/24"'
check net-static-default-route sh -c 'ip route show default | grep -q "default via 10.0.2.2 dev lan0"'
check net-static-route sh -c 'ip route show 192.0.2.0/24 | grep -q "via 10.0.2.2 dev lan0 .*metric 50"'
check net-static-no-dhcp sh -c '! ip -4 -o addr show dev lan0 | grep -q "10.0.2.15"'
check net-static-status cloudboot status
