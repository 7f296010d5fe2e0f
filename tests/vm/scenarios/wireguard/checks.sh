# SPDX-License-Identifier: Apache-2.0
# The wireguard module: wireguard-tools installed through the package helper
# (the guest's offline repository), /etc/wireguard/wg0.conf 0600 root, the
# wg-quick@wg0 unit enabled and running, the readiness probe passed, and the
# tunnel to the host's peer (host.sh) carries traffic both ways.
# host-check: wg-host-handshake
# host-check: wg-host-transfer
# what the guest's network looked like, for a failure's diagnosis (no key shown)
echo "INFO wireguard: $( (ip -4 -o addr; ip -4 route; networkctl --no-pager; wg show wg0 | grep -v 'private key'; journalctl -b -u wg-quick@wg0 --no-pager | tail -n 5) 2>&1 | tr '\n' '|')"
check wg-tools-installed sh -c 'dpkg -s wireguard-tools >/dev/null && journalctl -b -u cloudboot-config.service | grep -q "Installed wireguard-tools with apt-get"'
check wg-conf-0600-root sh -c 'test "$(stat -c "%a %u %g %F" /etc/wireguard/wg0.conf)" = "600 0 0 regular file" || stat -c "%a %u %g %F" /etc/wireguard/wg0.conf'
check wg-conf-content sh -c 'grep -qx "Endpoint = 10.0.2.2:51820" /etc/wireguard/wg0.conf && grep -qx "Address = 10.99.0.2/24" /etc/wireguard/wg0.conf'
check wg-unit-enabled sh -c 'systemctl is-enabled wg-quick@wg0'
check wg-unit-active sh -c 'systemctl is-active wg-quick@wg0'
check wg-kernel-module sh -c 'test -d /sys/module/wireguard && ip -d link show wg0 | grep -q wireguard'
check wg-probe-passed sh -c 'journalctl -b -u cloudboot-config.service | grep -q "wireguard: 1 readiness probes passed"'
check wg-ping-host sh -c 'busybox ping -c 3 -w 30 10.99.0.1'
check wg-guest-handshake sh -c 'wg show wg0 latest-handshakes | awk "{ exit !(\$2 > 0) }"'
# the private key is in the 0600 file and nowhere in the logs
check wg-key-not-logged sh -c 'k=$(sed -n "s/^PrivateKey = //p" /etc/wireguard/wg0.conf); test -n "$k" && ! journalctl -b | grep -qF -- "$k" && ! grep -qF -- "$k" /var/log/cloud-init.log /var/log/cloud-init-output.log'
check wg-status cloudboot status
