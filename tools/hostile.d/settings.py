# SPDX-License-Identifier: Apache-2.0
# Hostile cases of the system-settings modules (apt, ntp, locale, keyboard,
# rsyslog, ...): every value that becomes a line of a file carries a newline,
# a carriage return or another control character; each is refused with its
# position, the file does not get the smuggled line, the rest applies.
P = "user-data:[0-9]+:[0-9]+: "

case("settings-apt-proxy-newline", "an apt proxy with a newline: refused, the other proxy applies",
     CC + 'apt:\n  proxy: "http://p/\\nAcquire::x \\"y\\";"\n  ftp_proxy: ftp://f.example/\n'
     '  conf: "APT::Get::Assume-Yes \\"true\\";\\n"\n' + SIB,
     expect_re=[P + "apt.proxy: must be one URL on one line"],
     files=[("/etc/apt/apt.conf.d/90cloud-init-aptproxy", 'Acquire::ftp::Proxy "ftp://f.example/";'),
            SIB_FILE],
     lacks=[("/etc/apt/apt.conf.d/90cloud-init-aptproxy", "Acquire::x")])
case("settings-apt-conf-control", "apt conf with an escape character: refused",
     CC + 'apt:\n  conf: "APT {\\x1b[2J};"\n' + SIB,
     expect_re=[P + "apt.conf: holds a control character"],
     absent=["/etc/apt/apt.conf.d/94cloud-init-config"], files=[SIB_FILE])
case("settings-apt-source-cr", "an apt source with a carriage return and a climbing file name",
     CC + 'apt:\n  sources:\n    evil:\n      source: "deb http://e/ x main\\rdeb http://f/ y main"\n'
     '    up:\n      filename: ../../../hostile-escape\n      source: deb http://u/ x main\n'
     '    good.list:\n      source: deb http://g.example/ x main\n' + SIB,
     expect_re=[P + "apt.sources.source: holds a control character",
                P + "apt.sources.filename: not a usable file name"],
     absent=["/etc/apt/sources.list.d/evil.list"],
     files=[("/etc/apt/sources.list.d/good.list", "deb http://g.example/ x main"), SIB_FILE])
case("settings-apt-key-garbage", "an apt key that is not an armoured key: refused, no keyring written",
     CC + 'apt:\n  sources:\n    k:\n      key: "-----BEGIN PGP PUBLIC KEY BLOCK-----\\n\\n!!!!\\n'
     '-----END PGP PUBLIC KEY BLOCK-----\\n"\n' + SIB,
     expect_re=[P + "key: not an ASCII-armoured OpenPGP public key block"],
     absent=["/etc/apt/trusted.gpg.d/k.gpg"], files=[SIB_FILE])
case("settings-apt-sources-list-control", "a sources_list template with a NUL-like control: refused",
     CC + 'apt:\n  preserve_sources_list: false\n  sources_list: "deb $MIRROR $RELEASE main\\x07\\n"\n' + SIB,
     expect_re=[P + "apt.sources_list: holds a control character"],
     absent=["/etc/apt/sources.list.d/debian.sources"], files=[SIB_FILE])
case("settings-apt-pipelining-newline", "apt_pipelining with a newline: refused",
     CC + 'apt_pipelining: "1\\nAcquire::x 1;"\n' + SIB,
     expect_re=[P + "apt_pipelining: must be false, none"],
     absent=["/etc/apt/apt.conf.d/90cloud-init-pipelining"], files=[SIB_FILE])
case("settings-ntp-server-newline", "an ntp server with a newline: refused alone",
     CC + 'ntp:\n  ntp_client: chrony\n  servers: ["a.example\\nallow all", b.example]\n'
     '  allow: ["10.0.0.0/8 \\x0b"]\n' + SIB,
     expect_re=[P + "ntp.servers: must be a host name", P + "ntp.allow: must be a host name"],
     lacks=[("/etc/chrony/chrony.conf", "allow all")], files=[SIB_FILE])
case("settings-ntp-confpath-climb", "an ntp confpath that climbs: refused",
     CC + 'ntp:\n  config: {confpath: ../../../hostile-escape, check_exe: x, service_name: y}\n' + SIB,
     expect_re=[P + "ntp.config.confpath: not a usable value"], files=[SIB_FILE])
case("settings-locale-newline", "a locale with a newline: refused",
     CC + 'locale: "en_US.UTF-8\\nLC_ALL=evil"\n' + SIB,
     expect_re=[P + "locale: must be a locale name"],
     lacks=[("/etc/default/locale", "evil")], files=[SIB_FILE])
case("settings-keyboard-quote", "a keyboard layout that closes its quote: refused",
     CC + 'keyboard:\n  layout: "us\\"\\nXKBMODEL=\\"evil"\n' + SIB,
     expect_re=[P + "keyboard.layout: must be an XKB name"],
     absent=["/etc/default/keyboard"], files=[SIB_FILE])
case("settings-rsyslog-control", "rsyslog configs and remotes with control characters",
     CC + 'rsyslog:\n  configs:\n    - "*.* /var/log/a\\x1b]0;x\\x07"\n'
     '    - {content: x, filename: ../../../hostile-escape}\n    - "*.* /var/log/good"\n'
     '  remotes:\n    "n\\nx": 10.0.0.1\n    r: "10.0.0.2\\n*.* @evil"\n' + SIB,
     expect_re=[P + "rsyslog.configs: content must be text", P + "rsyslog.configs.filename",
                P + "rsyslog.remotes: name and line must be one line"],
     lacks=[("/etc/rsyslog.d/20-cloud-config.conf", "evil")],
     files=[SIB_FILE])
case("settings-seed-file-climb", "a random_seed file that climbs out of the target: refused",
     CC + 'random_seed: {file: ../../../hostile-escape, data: x}\n' + SIB,
     expect_re=[P + "random_seed.file: must be an absolute path"], files=[SIB_FILE])
case("settings-ca-cert-not-pem", "a CA certificate with an escape sequence: refused",
     CC + 'ca_certs:\n  trusted: ["-----BEGIN CERTIFICATE-----\\n\\x1b]2;x\\x07\\n-----END CERTIFICATE-----\\n"]\n' + SIB,
     expect_re=[P + "ca_certs.trusted: not a PEM certificate"],
     absent=["/usr/local/share/ca-certificates/cloud-init-ca-cert-1.crt"], files=[SIB_FILE])
# yum_add_repo and apk_configure are not in Debian's module lists: a boot
# does not run them (their unit tests hold the refusals).
case("settings-ssh-import-id-name", "an ssh_import_id id with shell and path characters: refused",
     CC + 'ssh_import_id: ["gh:../../x", "lp:a;b", "c\\nd"]\n' + SIB,
     expect_re=[P + "ssh_import_id: must be gh:USER, lp:USER or USER"], files=[SIB_FILE])
# The modules not in Debian's lists run when a list names them; resolv_conf
# and zypper_add_repo (openSUSE's) also need unverified_modules, as in cloud-init.
LIST_RC = ("cloud_config_modules: [resolv_conf, zypper_add_repo, timezone]\n"
           "unverified_modules: [resolv_conf, zypper_add_repo]\n")
case("settings-resolv-conf-injection", "resolv_conf values that would add lines: refused, file untouched",
     CC + LIST_RC + 'manage_resolv_conf: true\nresolv_conf:\n'
     '  nameservers: ["192.0.2.1\\nnameserver 203.0.113.66", 192.0.2.2]\n'
     '  searchdomains: ["a.test b.test"]\n  domain: "x.test\\noptions debug"\n'
     '  sortlist: ["10.0.0.0/255.0.0.0 x"]\n  options: {"a b": 1, ndots: "1\\n"}\n' + SIB,
     expect_re=[P + "resolv_conf.nameservers: is not an IP address",
                P + "resolv_conf.searchdomains:", P + "resolv_conf.domain:",
                P + "resolv_conf.sortlist: must be an address",
                P + "resolv_conf.options: an option is a word",
                P + "resolv_conf.options: a value is"],
     lacks=[("/etc/resolv.conf", "203.0.113.66"), ("/etc/resolv.conf", "debug")], files=[SIB_FILE])
case("settings-zypper-injection", "zypper repo ids, keys and values that would add sections or lines",
     CC + LIST_RC + 'zypper:\n  repos:\n'
     '    - {id: "a]\\n[b", baseurl: "http://a/"}\n'
     '    - {id: c, baseurl: "http://c/\\n[evil]"}\n'
     '    - {id: d, baseurl: "http://d/", "x = y": 1}\n'
     '    - {id: ../../../hostile-escape, baseurl: "http://e/"}\n'
     '    - {id: good, baseurl: "http://g.example/"}\n'
     '  config:\n    reposdir: /etc/zypp/repos.d\n    "a\\nb": 1\n    solver: "x\\ny=1"\n' + SIB,
     expect_re=[P + "zypper.repos: a repository id is", P + "zypper.repos: values must be one line",
                P + "zypper.repos: a key is letters", P + "zypper.config: a setting is",
                P + "zypper.config: a value is one line",
                "Wrote /etc/zypp/repos.d/good.repo"],
     absent=["/etc/zypp/repos.d/c.repo", "/etc/zypp/repos.d/d.repo"],
     lacks=[("/etc/zypp/zypp.conf", "y=1")], files=[SIB_FILE])
case("settings-authkey-fingerprint-escape", "an authorized key comment with an escape sequence: '?' on the console",
     CC + 'authkey_hash: "sha256\\x1b]0;x\\x07"\n' + SIB,
     setup=["mkdir -p home/debian/.ssh && printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk0cS7rZlmEUeq7u3mvOj8Eg2m0Xz8lqEQxTUHH1Y5I a\\033[2Jb\\n' > home/debian/.ssh/authorized_keys"],
     expect_re=["^ci-info: \\| ssh-ed25519 \\| +[?] +\\| +- +\\| +a[?]\\[2Jb +\\|$",
                "Fingerprint \\(sha256[?]\\]0;x[?]\\)"],
     expect_not_re=["\x1b"], files=[SIB_FILE])
case("settings-write-files-source-hostile", "write_files sources: a header with a line break, a file that climbs, ftp",
     CC + 'write_files:\n'
     '  - path: /etc/wf-header\n    content: fallback\n'
     '    source: {uri: "http://user:s3cret@127.0.0.1:9/x?token=s3cret", headers: {X-T: "s3cret\\r\\nX-Evil: 1"}}\n'
     '  - path: /etc/wf-climb\n    content: safe\n    source: {uri: "file:///../../../../etc/hostile-escape-src"}\n'
     '  - path: /etc/wf-ftp\n    content: plain\n    source: {uri: "ftp://127.0.0.1/x"}\n' + SIB,
     expect_re=["Failed to retrieve contents from source"], expect_not=["s3cret"],
     files=[("/etc/wf-header", "fallback"), ("/etc/wf-climb", "safe"), ("/etc/wf-ftp", "plain"), SIB_FILE])
case("settings-grub-dpkg-newline", "a grub install device with a newline: refused before debconf",
     CC + 'grub_dpkg:\n  enabled: true\n  grub-pc/install_devices: "/dev/sda\\ngrub-pc grub-pc/x boolean true"\n' + SIB,
     expect_re=[P + "grub-pc/install_devices: must be device paths"], files=[SIB_FILE])
case("settings-packages-by-manager-hostile", "packages by manager: an option as a snap, an unknown manager",
     CC + 'packages:\n  - snap: ["--dangerous", [hello, "x y"]]\n  - pip: [requests]\n  - apt: ["-o=APT::x"]\n' + SIB,
     expect_re=["packages entry 0 must be a name", "Cannot install packages under 'pip'"],
     setup=["mkdir -p usr/bin && printf '#!/bin/sh\\nexit 0\\n' > usr/bin/apt-get && chmod 755 usr/bin/apt-get"],
     expect_not=["--dangerous"], files=[SIB_FILE])
