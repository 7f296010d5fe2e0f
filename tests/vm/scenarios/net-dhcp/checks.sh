# The fallback: DHCP on the first physical NIC.
check net-dhcp-fallback-logged sh -c 'journalctl -b -u cloudboot-local.service | grep -q "Network configuration from fallback written for networkd"'
check net-dhcp-link-file sh -c 'grep -qx "MACAddress=52:54:00:c1:0b:01" /etc/systemd/network/10-cloudboot-*.link'
check net-dhcp-address sh -c 'for i in $(seq 30); do ip -4 -o addr | grep -q "inet 10.0.2.15/24" && exit 0; sleep 1; done; ip -4 -o addr; exit 1'
check net-dhcp-default-route sh -c 'for i in $(seq 30); do ip route show default | grep -q "default via 10.0.2.2" && exit 0; sleep 1; done; ip route; exit 1'
check net-dhcp-status cloudboot status
