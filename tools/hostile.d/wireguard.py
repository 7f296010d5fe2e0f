# SPDX-License-Identifier: Apache-2.0
# Hostile cases of the wireguard module: interface names that would be more
# than a unit name, config paths that climb or go through a symlink, content
# that is no configuration; each refuses the whole key with its position
# (nothing half-applied) while the sibling key applies. The private key of a
# good interface is written 0600 and never shown in the output. wireguard is
# in none of Debian's lists and not verified on Debian: the user's list and
# unverified_modules name it, as cloud-init needs. The target gets a
# stand-in wg, so nothing is installed.
P = "user-data:[0-9]+:[0-9]+: "
WG_LIST = "cloud_config_modules: [wireguard, timezone]\nunverified_modules: [wireguard]\n"
WG_TOOL = "mkdir -p usr/bin && printf '#!/bin/sh\\n' >usr/bin/wg && chmod 755 usr/bin/wg"
WG_KEY = "KJWx39kTZ4LuKM73dVG0l2jxyop7G7IlPsAgfmAqi3U="
WG_GOOD = ('    - name: wg0\n      config_path: /etc/wireguard/wg0.conf\n'
           '      content: "[Interface]\\nPrivateKey = ' + WG_KEY + '\\n"\n')

case("wireguard-name-injection", "interface names with shell, path and unit characters: the key is refused",
     CC + WG_LIST + "wireguard:\n  interfaces:\n" + WG_GOOD +
     '    - {name: "wg1;reboot", config_path: /etc/wireguard/wg1.conf, content: x}\n'
     '    - {name: "../../hostile-escape", config_path: /etc/wireguard/wg2.conf, content: x}\n'
     '    - {name: "wg3\\n[Unit]", config_path: /etc/wireguard/wg3.conf, content: x}\n'
     '    - {name: averyveryverylongname, config_path: /etc/wireguard/wg4.conf, content: x}\n' + SIB,
     setup=[WG_TOOL],
     expect_re=[P + r"wireguard.interfaces\[1\].name: not an interface name",
                P + r"wireguard.interfaces\[2\].name: not an interface name",
                P + r"wireguard.interfaces\[3\].name: not an interface name",
                P + r"wireguard.interfaces\[4\].name: not an interface name"],
     expect=["Invalid wireguard interface configuration: nothing configured"],
     expect_not=[WG_KEY],
     absent=["/etc/wireguard/wg0.conf", "/etc/wireguard/wg1.conf"], files=[SIB_FILE])
case("wireguard-path-climb", "config paths that climb, are relative or end in a directory: refused",
     CC + WG_LIST + "wireguard:\n  interfaces:\n"
     '    - {name: wg0, config_path: /etc/../../../../hostile-escape, content: x}\n'
     '    - {name: wg1, config_path: ../../../hostile-escape, content: x}\n'
     '    - {name: wg2, config_path: /etc/wireguard/, content: x}\n' + SIB,
     setup=[WG_TOOL],
     expect_re=[P + r"wireguard.interfaces\[0\].config_path: must be an absolute file path",
                P + r"wireguard.interfaces\[1\].config_path: must be an absolute file path",
                P + r"wireguard.interfaces\[2\].config_path: must be an absolute file path"],
     files=[SIB_FILE])
case("wireguard-path-symlink", "a config path through a symlinked directory: not followed, not written",
     CC + WG_LIST + "wireguard:\n  interfaces:\n" + WG_GOOD + SIB,
     setup=[WG_TOOL, "mkdir -p etc/elsewhere && ln -s elsewhere etc/wireguard"],
     expect=["a component of /etc/wireguard is a symlink or not a directory; not followed, not written"],
     expect_not=[WG_KEY],
     absent=["/etc/elsewhere/wg0.conf"], files=[SIB_FILE])
case("wireguard-content-bad", "content with a NUL byte, a missing content, wrong types: refused",
     CC + WG_LIST + "wireguard:\n  interfaces:\n"
     '    - {name: wg0, config_path: /etc/wireguard/wg0.conf, content: "a\\0b"}\n'
     '    - {name: wg1, config_path: /etc/wireguard/wg1.conf}\n' + SIB,
     setup=[WG_TOOL],
     expect_re=[P + r"wireguard.interfaces\[0\].content: holds a NUL byte",
                P + r"wireguard.interfaces\[1\]: missing required keys: content"],
     absent=["/etc/wireguard/wg0.conf", "/etc/wireguard/wg1.conf"], files=[SIB_FILE])
case("wireguard-wrong-types", "interfaces that are not a list of mappings of strings: the schema refuses them",
     CC + WG_LIST + 'wireguard:\n  interfaces: "wg0"\n  readinessprobe: [[reboot]]\n' + SIB,
     setup=[WG_TOOL],
     expect_re=[P + "wireguard.interfaces: "],
     absent=["/etc/wireguard"], files=[SIB_FILE])
case("wireguard-secret-0600", "a good interface: its key written 0600 root, never in the output",
     CC + WG_LIST + "wireguard:\n  interfaces:\n" + WG_GOOD + '  readinessprobe: ["touch /hostile-escape"]\n'
     + SIB,
     setup=[WG_TOOL],
     expect=["wireguard: wrote /etc/wireguard/wg0.conf for wg0",
             "readiness probes not run under --root"],
     expect_not=[WG_KEY],
     modes=[("/etc/wireguard/wg0.conf", "600"), ("/etc/wireguard", "700")],
     owners=[("/etc/wireguard/wg0.conf", "0:0")],
     absent=["/hostile-escape"], files=[SIB_FILE])
