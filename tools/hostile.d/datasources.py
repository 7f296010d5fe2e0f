# SPDX-License-Identifier: Apache-2.0
# OpenNebula's context.sh read as data (issue 23): what a shell would run is
# reported and skipped, never executed; values that would add a line or a
# field to a file are refused. The context's user-data is the script that
# writes /var/tmp/vendor-ok, so the boot is seen to go on. Run by
# tools/gen-hostile with case(), CC and SIB in scope.
import base64 as _b64

_ONE_DIR = "var/lib/cloud/seed/opennebula"
_ONE_LIST = "echo 'datasource_list: [OpenNebula, NoCloud, None]' > etc/cloud/cloud.cfg.d/90-one.cfg"
_ONE_UD = _b64.b64encode(b"#!/bin/sh\necho ok > /var/tmp/vendor-ok\n").decode()


def _one_setup(text):
    data = _b64.b64encode(text.encode()).decode()
    return ["mkdir -p %s && echo %s | base64 -d > %s/context.sh" % (_ONE_DIR, data, _ONE_DIR), _ONE_LIST]


_UD_LINES = "USERDATA_ENCODING='base64'\nUSER_DATA='%s'\n" % _ONE_UD

case("one-context-shell-injection", "context.sh with command substitutions, backticks and commands: nothing runs, the rest applies",
     CC + SIB,
     setup=_one_setup("HOSTNAME=$(touch /hostile-escape)\n"
                      "touch /etc/hostile-escape\n"
                      "SSH_PUBLIC_KEY=\"`touch /tmp/hostile-escape`\"\n"
                      "DISK_ID='1' ; touch /hostile-escape\n"
                      "NETWORK=YES >/etc/hostile-escape\n"
                      "SET_HOSTNAME='one-safe'\n" + _UD_LINES),
     expect=["context.sh:1:1: HOSTNAME: an expansion ($ or `), which is not evaluated; line skipped",
             "context.sh:2:1: not a variable assignment; line skipped",
             "context.sh:3:1: SSH_PUBLIC_KEY: an expansion",
             "context.sh:4:15: not a variable assignment; line skipped",
             "context.sh:5:1: NETWORK: more than one assignment or a command after the value"],
     files=[("/etc/hostname", "one-safe")], absent=["/etc/hostile-escape"])
case("one-context-unterminated-quote", "an unterminated quote: the variables before it count, nothing after it",
     CC,
     setup=_one_setup(_UD_LINES + "SET_HOSTNAME='one-before'\nBROKEN='never closed\nSET_HOSTNAME='one-after'\n"),
     expect=["context.sh:4:1: BROKEN: an unterminated single quote; line skipped"],
     files=[("/etc/hostname", "one-before")])
case("one-context-hostname-newline", "a hostname with a newline in its quotes: refused by the hostname check, no extra line",
     CC,
     setup=_one_setup(_UD_LINES + "SET_HOSTNAME='one-host\nhostile-injected'\n"),
     lacks=[("/etc/hostname", "hostile-injected"), ("/etc/hosts", "hostile-injected")])
def _case_extra(name, what, body, setup=(), setup_extra=(), **kw):
    case(name, what, body, setup=list(setup) + list(setup_extra), **kw)


_case_extra("one-context-network-injection", "ETHx values with newlines and YAML: refused with their position, no line added",
     CC,
     setup=_one_setup(_UD_LINES +
                      "ETH0_MAC='02:00:0a:00:00:0f'\n"
                      "ETH0_IP='10.0.0.2\n  hostile-injected: true'\n"
                      "ETH0_DNS='10.0.0.1 \"hostile-injected\"'\n"
                      "ETH0_MTU='1500\nhostile-injected'\n"
                      "ETH0_ROUTES='10.9.0.0/16 via 10.0.0.1\nhostile-injected: x'\n"),
     setup_extra=["mkdir -p sys/class/net/eth0/device && echo 02:00:0a:00:00:0f > sys/class/net/eth0/address"],
     expect=["ETH0_DNS: \"\"hostile-injected\"\" is not an IP address; ignored",
             "ETH0_IP: not an IP address; ignored"],
     expect_re=["context.sh:[0-9]+:1: ETH0_MTU: not an MTU; ignored"])
