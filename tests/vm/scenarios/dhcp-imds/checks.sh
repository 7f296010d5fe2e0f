# SPDX-License-Identifier: Apache-2.0
# init-local leased an address over DHCP and read the fake IMDS with it.
# (what init-local said about it, on the console for a failure's diagnosis)
journalctl -b -u cloudboot-local.service -u cloudboot.service -o cat | grep -iE "ephemeral|Ec2|lease|169\.254|datasource|metadata" | head -n 40 | sed "s/^/DIAG /"
check dhcp-imds-ephemeral grep -q "init-local: Ephemeral network on .*: 169.254.2.15/16 (DHCP), for the metadata service" /var/log/cloud-init.log
# cloud-init.log, not the journal: journald gives a message no unit when it
# reads it after its sender has exited
check dhcp-imds-found-local grep -q "init-local: Found DataSourceEc2 \[seed=http://169.254.169.254\]" /var/log/cloud-init.log
check dhcp-imds-instance-id test "$(cloudboot query v1.instance_id)" = i-0dhcpimds0000001
check dhcp-imds-cloud-name test "$(cloudboot query v1.cloud_name)" = aws
# what the IMDS gave took effect: its hostname and its user-data
check dhcp-imds-hostname test "$(hostname)" = vm-dhcp-imds
check dhcp-imds-user-data grep -qx "provisioned from the fake IMDS" /var/lib/dhcp-imds-marker
# the meta-data's network config (its MAC, device-number 0) was rendered in
# init-local, and networkd brought the NIC up with it
check dhcp-imds-netcfg grep -q "init-local: Network configuration from http://169.254.169.254/network-config written for networkd" /var/log/cloud-init.log
check dhcp-imds-netcfg-mac sh -c 'grep -qx "MACAddress=52:54:00:c1:0b:01" /etc/systemd/network/10-cloudboot-*.network'
# (the links, the files and what udev, networkd and init-local said, for a
# failure's diagnosis)
{ ip -o link; ls /etc/systemd/network/; networkctl list --no-pager 2>&1
  journalctl -b -o cat -u systemd-udevd.service -u systemd-networkd.service -u cloudboot-local.service | grep -iE "eth|enp|ens|rename|link|udev|NIC|network" | head -n 30; } 2>&1 | sed "s/^/DIAG /"
check dhcp-imds-networkd sh -c 'for i in $(seq 30); do ip -4 -o addr | grep "inet 169.254.2.15/16" | grep -q dynamic && exit 0; sleep 1; done; ip -4 -o addr; exit 1'
# the init stage did not ask the IMDS again
check dhcp-imds-no-second-probe sh -c '! journalctl -b -u cloudboot.service | grep -q "\(GET\|PUT\) http://169.254.169.254"'
check dhcp-imds-status cloudboot status
# host-check: imds-served
