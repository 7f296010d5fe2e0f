# SPDX-License-Identifier: Apache-2.0
# Values that become lines of system files are checked by type first
# (src/basic/valid.c): network-config values for the three renderers, chpasswd
# hashes, user fields that reach /etc/passwd, disable_root_opts, hostnames.
# A value with a line break or a separator is refused with its position; the
# rest still applies; nothing it carried is in the rendered file.
# (Run by tools/gen-hostile with case(), CC, SIB, SIB_FILE in scope.)
import base64 as _b64

_NC = "/var/lib/cloud/seed/nocloud/network-config"
_ENI = "/etc/network/interfaces.d/50-cloudboot.cfg"
_ND = "/etc/systemd/network/10-cloudboot-eth0.network"
_NM = "/etc/NetworkManager/system-connections/cloudboot-eth0.nmconnection"
_INJ = "up touch /var/tmp/hostile-injected"


def _net(name, what, renderer, doc, expect, lacks):
    """A case whose network-config (seed file) carries the hostile value;
    the renderer is picked by system_info."""
    blob = _b64.b64encode(doc.encode()).decode()
    setup = [
        "echo %s | base64 -d > var/lib/cloud/seed/nocloud/network-config" % blob,
        "printf 'system_info: {network: {renderers: [%s]}}\\n' > etc/cloud/cloud.cfg.d/20-net.cfg"
        % renderer,
    ]
    case(name, what, CC + SIB, setup=setup, expect=[_NC + ":" + expect,
                                                    "network-config: refused as a whole"],
         lacks=lacks, files=[SIB_FILE])


V2 = "version: 2\nethernets:\n  eth0:\n"
V1 = "version: 1\nconfig:\n  - type: physical\n    name: eth0\n"
# networkd / NM / ENI: a value with a line break would add a key, a section or an
# ifupdown command run as root at boot
_net("net-v2-dns-newline", "v2 nameserver with a line break and an ENI command", "eni",
     V2 + '    nameservers: {addresses: ["1.1.1.1\\n    ' + _INJ + '"]}\n',
     "4:31: network-config: nameservers: '1.1.1.1\\n    up touch", [(_ENI, _INJ)])
_net("net-v2-search-newline", "v2 search domain with a line break", "eni",
     V2 + '    dhcp4: true\n    nameservers: {search: ["example.com\\n    ' + _INJ + '"]}\n',
     "5:28: network-config: search: 'example.com\\n    up touch", [(_ENI, _INJ)])
_net("net-v2-address-newline", "v2 address with a line break and a [Route] (networkd)", "networkd",
     V2 + '    addresses: ["10.0.0.5/24\\n[Route]\\nGateway=6.6.6.6"]\n',
     "4:17: network-config: address: '10.0.0.5/24\\n[Route]\\nGateway=6.6.6.6' has a prefix length",
     [(_ND, "Gateway=6.6.6.6")])
_net("net-v2-route-to-newline", "v2 route destination with a line break (networkd)", "networkd",
     V2 + '    addresses: [10.0.0.5/24]\n    routes: [{to: "10.1.0.0/16\\nDNS=6.6.6.6", via: 10.0.0.1}]\n',
     "5:14: network-config: to: '10.1.0.0/16\\nDNS=6.6.6.6' has a prefix length", [(_ND, "DNS=6.6.6.6")])
_net("net-v2-gateway-newline", "v2 gateway4 with a prefix and a line break (ENI)", "eni",
     V2 + '    addresses: [10.0.0.5/24]\n    gateway4: "10.0.0.1/8\\n    ' + _INJ + '"\n',
     "5:15: network-config: gateway: '10.0.0.1/8\\n    up touch", [(_ENI, _INJ)])
_net("net-v2-mtu-text", "v2 mtu given as text with a tail", "eni",
     V2 + '    dhcp4: true\n    mtu: "1500\\n    ' + _INJ + '"\n',
     "5:10: network-config: mtu: '1500\\n    up touch /var/tmp/hostile-injected' is not an MTU",
     [(_ENI, _INJ)])
_net("net-v2-name-newline", "v2 interface name with a line break (ENI)", "eni",
     'version: 2\nethernets:\n  "e\\nup reboot": {dhcp4: true}\n',
     "3:3: network-config: name: 'e\\nup reboot' contains", [(_ENI, "up reboot")])
_net("net-v2-bond-param-newline", "v2 bond mode with a line break (ENI)", "eni",
     "version: 2\nethernets: {eth0: {}, eth1: {}}\nbonds:\n  bond0:\n    interfaces: [eth0, eth1]\n"
     '    parameters: {mode: "active-backup\\n    ' + _INJ + '"}\n',
     "6:24: network-config: mode: 'active-backup\\n    up touch", [(_ENI, _INJ)])
_net("net-v2-nm-dns", "v2 nameserver with a keyfile section (NetworkManager)", "network-manager",
     V2 + '    dhcp4: true\n    nameservers: {addresses: ["1.1.1.1\\n[connection]\\nid=evil"]}\n',
     "5:31: network-config: nameservers: '1.1.1.1\\n[connection]\\nid=evil' is not an IP address",
     [(_NM, "id=evil")])
_net("net-v1-name-newline", "v1 interface name with a line break (ENI)", "eni",
     'version: 1\nconfig:\n  - type: physical\n    name: "e\\nup reboot"\n    subnets: [{type: dhcp}]\n',
     "4:11: network-config: name: 'e\\nup reboot' contains", [(_ENI, "up reboot")])
_net("net-v1-address-newline", "v1 address with a line break (ENI)", "eni",
     V1 + '    subnets:\n      - {type: static, address: "10.0.0.5/24\\n    ' + _INJ + '"}\n',
     "6:33: network-config: address: '10.0.0.5/24\\n    up touch", [(_ENI, _INJ)])
_net("net-v1-dns-newline", "v1 dns_nameservers with a line break (ENI)", "eni",
     V1 + '    subnets:\n      - {type: dhcp, dns_nameservers: ["1.1.1.1\\n    ' + _INJ + '"]}\n',
     "6:40: network-config: nameservers: '1.1.1.1\\n    up touch", [(_ENI, _INJ)])
_net("net-v1-search-newline", "v1 nameserver search with a line break (ENI)", "eni",
     V1 + '    subnets: [{type: dhcp}]\n  - type: nameserver\n    address: [1.1.1.1]\n'
     '    search: ["example.com\\n    ' + _INJ + '"]\n',
     "8:14: network-config: search: 'example.com\\n    up touch", [(_ENI, _INJ)])
_net("net-v1-route-newline", "v1 route network with a line break (ENI)", "eni",
     V1 + '    subnets:\n      - type: static\n        address: 10.0.0.5/24\n        routes:\n'
     '          - {network: "10.1.0.0/16\\n    ' + _INJ + '", gateway: 10.0.0.1}\n',
     "9:13: network-config: to: '10.1.0.0/16\\n    up touch", [(_ENI, _INJ)])
_net("net-v1-mtu-text", "v1 mtu with a tail", "eni",
     V1 + '    mtu: "9000 ' + _INJ + '"\n    subnets: [{type: dhcp}]\n',
     "5:10: network-config: mtu: '9000 up touch /var/tmp/hostile-injected' is not an MTU",
     [(_ENI, "mtu 9000")])
_net("net-v1-mac-sign", "v1 MAC address with a sign sscanf took", "eni",
     V1 + '    mac_address: "-1:54:00:12:34:56"\n    subnets: [{type: dhcp}]\n',
     "5:18: network-config: macaddress: '-1:54:00:12:34:56' is not a MAC address",
     [("/etc/udev/rules.d/70-cloudboot-net-names.rules", "ffffffff")])
_net("net-v1-bond-param-newline", "v1 bond-mode with a line break (ENI)", "eni",
     "version: 1\nconfig:\n  - {type: physical, name: eth0}\n  - {type: physical, name: eth1}\n"
     "  - type: bond\n    name: bond0\n    bond_interfaces: [eth0, eth1]\n"
     '    params: {bond-mode: "802.3ad\\n    ' + _INJ + '"}\n',
     "8:25: network-config: mode: '802.3ad\\n    up touch", [(_ENI, _INJ)])
_net("net-v1-metric-tail", "v1 route metric with a tail", "eni",
     V1 + '    subnets:\n      - type: static\n        address: 10.0.0.5/24\n        routes:\n'
     '          - {network: 10.1.0.0/16, gateway: 10.0.0.1, metric: "5 || ' + _INJ + '"}\n',
     "9:63: network-config: metric: '5 || up touch /var/tmp/hostile-injected' is not a metric",
     [(_ENI, "metric 5")])

# chpasswd: a hash with a line break is a second name:hash line for chpasswd -e
# (here: root with no password); one with ':' shifts /etc/shadow's fields
case("chpasswd-hash-newline", "a chpasswd hash with a line break: not set, no second line",
     CC + "users: [default, {name: hu}]\nchpasswd:\n  expire: false\n  users:\n"
     "    - {name: hu, password: \"$6$salt$hash\\nroot::0:0:99999:7:::\"}\n" + SIB,
     expect=["user-data:6:28: chpasswd: the hash for hu contains a line break; not set"],
     lacks=[("/etc/shadow", "root::"), ("/etc/shadow", "hu:$6$salt$hash")], files=[SIB_FILE])
case("chpasswd-hash-colon", "a chpasswd hash with ':' (more shadow fields): not set",
     CC + "users: [default, {name: hc}]\nchpasswd:\n  expire: false\n  list: |\n    hc:$6$salt$hash:0:0\n"
     + SIB,
     expect=["user-data:5:9: chpasswd: the hash for hc contains ':'; not set"],
     lacks=[("/etc/shadow", "hc:$6$salt$hash:0:0")], files=[SIB_FILE])

# user fields that useradd writes into /etc/passwd
for _n, _k, _v, _col, _why in [
        ("gecos-colon", "gecos", "Eve:0:0", 10, "contains ':'"),
        ("gecos-newline", "gecos", "Eve\\nmallory::0:0::/root:/bin/sh", 10, "contains a line break"),
        ("homedir-newline", "homedir", "/home/eve\\nmallory::0:0", 12, "contains a line break"),
        ("shell-colon", "shell", "/bin/sh:x", 10, "contains ':'"),
        ("shell-newline", "shell", "/bin/sh\\nmallory::0:0::/:/bin/sh", 10, "contains a line break")]:
    case("user-" + _n, "a user's %s with %s: the user is not created" % (_k, _why[9:]),
         CC + "users:\n- name: eve\n  %s: \"%s\"\n- name: ok1\n" % (_k, _v) + SIB,
         expect=["user-data:4:%d: users.0.%s: " % (_col, _k), _why,
                 "user-data:4:%d: %s of eve must be" % (_col, _k)],
         lacks=[("/etc/passwd", "eve:"), ("/etc/passwd", "mallory")],
         files=[SIB_FILE])

case("disable-root-opts-newline", "disable_root_opts with a line break: the default options instead",
     CC + "disable_root_opts: \"no-pty\\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileInjectedKey0000000000000000000 x\"\n"
     "ssh_authorized_keys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyForDisableRootOpts000000000000000 k\"]\n"
     + SIB,
     expect=["user-data:2:20: disable_root_opts: 'no-pty\\nssh-ed25519", "contains a line break"],
     lacks=[("/root/.ssh/authorized_keys", "HostileInjectedKey")], files=[SIB_FILE])

for _n, _v, _why in [("underscore", "web_1", "has a character other than letters"),
                     ("label-dash", "web-.example.com", "has a label ending with '-'"),
                     ("empty-label", "a..example.com", "has an empty label"),
                     ("label-long", "a" * 64, "has a label longer than 63 bytes")]:
    case("hostname-bad-" + _n, "a hostname with a bad label (%s): not set" % _n,
         CC + "hostname: %s\n" % _v + SIB,
         expect=["user-data:2:11: hostname: '%s' %s" % (_v, _why)],
         absent=["/etc/hostname"], files=[SIB_FILE])
