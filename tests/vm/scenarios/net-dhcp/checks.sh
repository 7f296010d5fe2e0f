# SPDX-License-Identifier: Apache-2.0
# The fallback: DHCP on the first physical NIC.
# cloud-init.log, not the journal: journald gives a message no unit when it
# reads it after its sender has exited, and init-local ends as soon as the
# NIC it waited for is there
check net-dhcp-fallback-logged grep -q "init-local: Network configuration from fallback written for networkd" /var/log/cloud-init.log
check net-dhcp-link-file sh -c 'grep -qx "MACAddress=52:54:00:c1:0b:01" /etc/systemd/network/10-cloudboot-*.link'
check net-dhcp-address sh -c 'for i in $(seq 30); do ip -4 -o addr | grep -q "inet 10.0.2.15/24" && exit 0; sleep 1; done; ip -4 -o addr; exit 1'
# a lease (valid_lft counts down: "dynamic"), not a static address; QEMU's
# DHCP under restrict=on offers no router, so there is no default route
check net-dhcp-lease sh -c 'ip -4 -o addr | grep "inet 10.0.2.15/24" | grep -q dynamic'
# (the links, the files and what udev, networkd and init-local said, for a
# failure's diagnosis)
{ ip -o link; ls /etc/systemd/network/; networkctl list --no-pager 2>&1
  # when udevd's control socket and the NICs' entries were written, when the
  # kernel renamed the NIC and when init-local waited and wrote (wall clock
  # all): which udev wrote what, and whether init-local's wait ended first
  stat -c '%n %y' /run/udev/control /run/udev/data/n* 2>&1
  journalctl -b -k -o short-iso-precise | grep -i "renamed from"
  grep -E "init-local: .*(udev|NIC|fallback|names)" /var/log/cloud-init.log | head -n 10
  journalctl -b -o cat -u systemd-udevd.service -u systemd-networkd.service -u cloudboot-local.service | grep -iE "eth|enp|ens|rename|link|udev|NIC|network" | head -n 30; } 2>&1 | sed "s/^/DIAG /"
check net-dhcp-networkd sh -c 'networkctl status 2>/dev/null | grep -q "10.0.2.15"'
check net-dhcp-status cloudboot status
