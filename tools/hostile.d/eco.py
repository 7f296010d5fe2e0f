# SPDX-License-Identifier: Apache-2.0
# The configuration-management and container modules (external modules in C:
# ansible, puppet, chef, salt_minion, lxd, snap), installed in the target as
# a package would: values that would become an option, break out of a Ruby
# string or a config line, climb out of a directory, or show a secret. Each
# is refused (a type at its place in user-data; the typed checks, which the
# descriptor's JSON Schema cannot carry, by key path from the module itself)
# and the rest of the boot goes on.

def eco_install(*mods):
    """A setup line: the built modules and the libraries they need into the
    target (tests/blackbox/lib.sh's install_extmod, as one shell line)."""
    cp = " && ".join(
        'install -m 0755 "$TOP_BUILDDIR/modules/ext/%s" "$d/" && '
        'install -m 0644 "$TOP_BUILDDIR/modules/ext/%s.json" "$d/"' % (m, m) for m in mods)
    return ("d=usr/lib/cloudboot/modules; mkdir -p $d && " + cp + " && "
            "for l in $(for m in " + " ".join(mods) + "; do ldd \"$d/$m\"; done | "
            "sed -n 's/.*=> \\(\\/[^ ]*\\) .*/\\1/p; s/^[[:space:]]*\\(\\/[^ ]*\\) .*/\\1/p') "
            "$(ldconfig -p | sed -n 's/.*libjson-c\\.so\\.5 .*=> \\(\\/.*\\)/\\1/p' | head -n1); "
            "do mkdir -p \".$(dirname $l)\"; [ -e \".$l\" ] || cp -L \"$l\" \".$l\"; done")


FAKE_TOOLS = ("mkdir -p usr/bin && for t in ansible ansible-pull git apt-get lxd lxc snap "
              "chef-client puppet systemctl; do printf '#!/bin/sh\\necho \"$0 $*\" >> "
              "/var/tmp/eco-calls\\n' > usr/bin/$t && chmod 755 usr/bin/$t; done")

case("eco-ansible-option-injection",
     "ansible: a playbook name and a git source that would be read as options: refused, nothing runs",
     CC + "ansible:\n  install_method: distro\n  package_name: ansible\n"
     "  pull:\n    - url: https://x.example/p.git\n      playbook_names: ['--vault-password-file=/etc/shadow']\n"
     "  setup_controller:\n    repositories:\n      - {source: '--upload-pack=touch /hostile-escape', path: /opt/p}\n"
     + SIB,
     setup=[eco_install("ansible"), FAKE_TOOLS],
     expect=["ansible.pull.0.playbook_names.0: '--vault-password-file=/etc/shadow' is empty or starts with '-'",
             "ansible.setup_controller.repositories.0.source: '--upload-pack=touch /hostile-escape' is empty"],
     absent=["/var/tmp/eco-calls", "/hostile-escape"],
     files=[SIB_FILE])

case("eco-chef-ruby-injection",
     "chef: a server_url that would end its Ruby string in client.rb, a log_level that is code: refused",
     CC + "chef:\n  server_url: 'https://c\"; system(\"touch /hostile-escape\"); x=\"'\n"
     "  validation_name: v\n  log_level: 'File.write(\"/hostile-escape\", 1)'\n" + SIB,
     setup=[eco_install("chef"), FAKE_TOOLS],
     expect=["chef.server_url: 'https://c\"; system(\"touch /hostile-escape\"); x=\"' holds a quote",
             "chef.log_level: 'File.write(\"/hostile-escape\", 1)' is not a Ruby symbol"],
     absent=["/etc/chef/client.rb", "/var/tmp/eco-calls"],
     files=[SIB_FILE])

case("eco-chef-validation-key-secret",
     "chef: the validation key is written 0600 and never shown",
     CC + "chef:\n  server_url: https://chef.example\n  validation_name: v\n"
     "  validation_cert: HOSTILE-ECO-KEY-MATERIAL\n" + SIB,
     setup=[eco_install("chef"), FAKE_TOOLS],
     files=[("/etc/chef/validation.pem", "HOSTILE-ECO-KEY-MATERIAL"), SIB_FILE],
     modes=[("/etc/chef/validation.pem", "600")],
     expect_not=["HOSTILE-ECO-KEY-MATERIAL"],
     lacks=[("/var/log/cloud-init.log", "HOSTILE-ECO-KEY-MATERIAL")])

case("eco-puppet-conf-newline",
     "puppet: a conf value with a newline and a section of its own: refused, the other settings written",
     CC + "puppet:\n  install: false\n  start_service: false\n  conf:\n    agent:\n"
     "      server: \"p.example\\n[main]\\nexec = /bin/sh\"\n      environment: prod\n" + SIB,
     setup=[eco_install("puppet"), FAKE_TOOLS],
     expect=["puppet.conf.agent.server: must be one line of text"],
     expect_not=["<stdin>:0:0"],
     files=[SIB_FILE],
     lacks=[("/etc/puppet/puppet.conf", "exec"), ("/etc/puppet/puppet.conf", "[main]")])

case("eco-salt-pki-traversal",
     "salt_minion: a pki_dir that climbs out, a private key that must stay secret: refused, never shown",
     CC + "salt_minion:\n  pki_dir: ../../../../hostile-escape\n  public_key: P\n"
     "  private_key: HOSTILE-ECO-SALT-PRIVATE\n" + SIB,
     setup=[eco_install("salt_minion"), FAKE_TOOLS],
     expect=["salt_minion.pki_dir: '../../../../hostile-escape' is not an absolute path"],
     expect_not=["HOSTILE-ECO-SALT-PRIVATE"],
     absent=["/hostile-escape", "/etc/salt/pki"],
     files=[SIB_FILE])

case("eco-lxd-bridge-and-secret",
     "lxd: a bridge name with shell characters, a trust password with a newline: refused, the password never shown",
     CC + "unverified_modules: [lxd]\nlxd:\n  init:\n    trust_password: \"HOSTILE-ECO-TRUST\\nx\"\n"
     "  bridge:\n    mode: new\n    name: 'br0; touch /hostile-escape'\n" + SIB,
     setup=[eco_install("lxd"), FAKE_TOOLS],
     expect=["lxd.init.trust_password: '(secret)' contains", "lxd.bridge.name: 'br0; touch /hostile-escape'"],
     expect_not=["HOSTILE-ECO-TRUST"],
     absent=["/var/tmp/eco-calls", "/hostile-escape"],
     files=[SIB_FILE])

case("eco-snap-wrong-types",
     "snap: assertions and commands of the wrong types: refused at their place",
     CC + "snap:\n  assertions: 5\n  commands: [[install, {x: 1}]]\n" + SIB,
     setup=[eco_install("snap"), FAKE_TOOLS],
     expect=["user-data:3:15: snap.assertions: expected list or mapping, got integer",
             "user-data:4:24: snap.commands.0.1: expected null or string, got mapping"],
     absent=["/var/tmp/eco-calls"],
     files=[SIB_FILE])
