# SPDX-License-Identifier: Apache-2.0
# Issue 24's rest (external modules in C: mcollective, landscape, fan),
# installed in the target as a package would: a server.cfg value that would
# add a setting or a section, a private certificate that must stay 0600 and
# unshown, a landscape setting that would be an option, a fan configuration
# path through a symlink. Uses eco.py's eco_install() and FAKE_TOOLS.

case("eco2-mcollective-conf-injection",
     "mcollective: a server.cfg value with a newline and a section of its own: refused, nothing written",
     CC + "mcollective:\n  conf:\n    loglevel: \"debug\\nsecurityprovider = none\\n[x]\"\n"
     "    identity: web1\n" + SIB,
     setup=[eco_install("mcollective"), FAKE_TOOLS],
     expect=["mcollective.conf.loglevel: holds a line break or a control character"],
     absent=["/etc/mcollective/server.cfg", "/var/tmp/eco-calls"],
     files=[SIB_FILE])

case("eco2-mcollective-private-cert-secret",
     "mcollective: the private certificate is written 0600 and never shown",
     CC + "mcollective:\n  conf:\n    private-cert: HOSTILE-MCO-KEY-MATERIAL\n" + SIB,
     setup=[eco_install("mcollective"), FAKE_TOOLS],
     files=[("/etc/mcollective/ssl/server-private.pem", "HOSTILE-MCO-KEY-MATERIAL"), SIB_FILE],
     modes=[("/etc/mcollective/ssl/server-private.pem", "600")],
     expect_not=["HOSTILE-MCO-KEY-MATERIAL"],
     lacks=[("/var/log/cloud-init.log", "HOSTILE-MCO-KEY-MATERIAL"),
            ("/etc/mcollective/server.cfg", "HOSTILE-MCO-KEY-MATERIAL")])

case("eco2-landscape-option-injection",
     "landscape (unverified_modules): a setting named as an option: refused, nothing runs",
     CC + "unverified_modules: [landscape]\nlandscape:\n  client:\n    account_name: a\n"
     "    computer_title: b\n    '--config': /hostile-escape\n" + SIB,
     setup=[eco_install("landscape"), FAKE_TOOLS],
     expect=["landscape.client: holds a key that is not a setting name"],
     absent=["/var/tmp/eco-calls", "/etc/landscape/client.conf"],
     files=[SIB_FILE])

case("eco2-landscape-value-newline",
     "landscape (unverified_modules): a value with a newline and an option after it: refused, nothing runs",
     CC + "unverified_modules: [landscape]\nlandscape:\n  client:\n    account_name: a\n"
     "    computer_title: \"b\\n--url=http://evil\"\n" + SIB,
     setup=[eco_install("landscape"), FAKE_TOOLS],
     expect=["landscape.client.computer_title:", "contains a line break"],
     absent=["/var/tmp/eco-calls", "/etc/landscape/client.conf"],
     files=[SIB_FILE])

case("eco2-fan-path-through-symlink",
     "fan (unverified_modules): the configuration path runs through a symlink that climbs: it stays in the target",
     CC + "unverified_modules: [fan]\nfan:\n  config: hostile\n  config_path: /etc/network/hostile-escape\n" + SIB,
     setup=[eco_install("fan"), FAKE_TOOLS,
            "mkdir -p etc tmp && ln -s ../../../../../../../../tmp etc/network"],
     files=[("/tmp/hostile-escape", "hostile"), SIB_FILE])

case("eco2-not-for-this-distro",
     "fan and landscape on Debian: reported at their position, not run",
     CC + "fan:\n  config: x\nlandscape:\n  client: {account_name: a, computer_title: b}\n" + SIB,
     setup=[eco_install("fan", "landscape"), FAKE_TOOLS],
     expect_re=[":2:1: 'fan' is for module fan, which cloud-init runs only on ubuntu, not on debian",
                ":4:1: 'landscape' is for module landscape, which cloud-init runs only on ubuntu"],
     absent=["/etc/network/fan", "/var/tmp/eco-calls"],
     files=[SIB_FILE])
