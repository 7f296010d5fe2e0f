# SPDX-License-Identifier: Apache-2.0
# Checks for the settings scenario (issue 21's modules in one boot), sourced
# by cloudboot-vm-check in the guest.
check apt-source grep -qx 'deb \[signed-by=/etc/apt/cloud-init.gpg.d/settings-test.gpg\] http://repo.settings.test/debian bookworm main' /etc/apt/sources.list.d/settings-test.list
check apt-key-binary sh -c 'test "$(head -c1 /etc/apt/cloud-init.gpg.d/settings-test.gpg | od -An -tx1 | tr -d " ")" = 98'
check apt-key-mode test "$(stat -c %a /etc/apt/cloud-init.gpg.d/settings-test.gpg)" = 644
check apt-proxy sh -c 'apt-config dump | grep -qx "Acquire::http::Proxy \"http://proxy.settings.test:3128\";"'
# apt reads the source and the proxy apt_configure wrote: the proxy is the
# harness's mirror-proxy (QEMU's guestfwd, named in /etc/hosts by bootcmd),
# the repository is signed by the key the source's signed-by names, and its
# package installs; the image's own sources are unreachable (their warnings
# are not this source's)
i=0
while ! ip -4 -o addr | grep -q "inet 10.0.2.15/24" && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
check apt-update sh -c 'out=$(apt-get update 2>&1); echo "$out" | grep settings.test; echo "$out" | grep -Eq "^(Get|Hit):[0-9]+ http://repo.settings.test/debian bookworm InRelease" && ! echo "$out" | grep -E "^(W|E|Err)" | grep -q settings.test'
check apt-reads-source sh -c 'apt-cache policy settings-test-hello | grep -q "http://repo.settings.test/debian bookworm/main"'
check apt-install-from-source sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q settings-test-hello && grep -qx "from the settings mirror" /usr/share/settings-test-hello/hello'
# ntp: the client installed through that source, running with the servers
check ntp-timesyncd-active systemctl is-active systemd-timesyncd
check ntp-timesyncd-servers sh -c 'timedatectl show-timesync -p SystemNTPServers --value | grep -qx "ntp1.settings.test ntp2.settings.test"'
check ntp-timesyncd-conf grep -Eqx 'NTP=ntp1.settings.test ntp2.settings.test ?' /etc/systemd/timesyncd.conf.d/cloud-init.conf
check locale-file grep -qx 'LANG=C.UTF-8' /etc/default/locale
check locale-localectl sh -c 'localectl status | grep -q "System Locale: LANG=C.UTF-8"'
check keyboard-layout grep -qx 'XKBLAYOUT="de"' /etc/default/keyboard
check keyboard-variant grep -qx 'XKBVARIANT="nodeadkeys"' /etc/default/keyboard
# rsyslog: the image has none to load it, so the drop-in is checked as written
check rsyslog-config grep -qx 'local3.\* /var/log/settings-test.log' /etc/rsyslog.d/60-settings-test.conf
check rsyslog-config-mode test "$(stat -c %a /etc/rsyslog.d/60-settings-test.conf)" = 644
check ca-cert-installed sh -c 'ls /usr/local/share/ca-certificates/ | grep -q cloud-init-ca-cert'
cat >/run/settings-leaf.pem <<'PEM'
-----BEGIN CERTIFICATE-----
MIIBPDCB4wIUCWdgK95ck1Px4yDqyWjxQeiX+wswCgYIKoZIzj0EAwIwJTEjMCEG
A1UEAwwaY2xvdWRib290LXNldHRpbmdzLXRlc3QtY2EwHhcNMjYxMjAyMTEyNTQw
WhcNMzYxMTI5MTEyNTQwWjAdMRswGQYDVQQDDBJsZWFmLnNldHRpbmdzLnRlc3Qw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATR/ZjqHj0ajIUrfBUFTXvOHBqPX4qg
ndg5QxQ66ZQxjcPGHrw0edXbomzrgHGE3eW68J8RyvVuF34QHOFb/xePMAoGCCqG
SM49BAMCA0gAMEUCIDsU/H1LBmVLA+Rc0PZlixPiCExQlFkopOP9N8oKrpvMAiEA
h2K4Dl02qohi7oFD7ppMYO6VyYA+pev5lfGoH72MLX8=
-----END CERTIFICATE-----
PEM
# a leaf signed by the CA ca_certs installed verifies against the bundle
# update-ca-certificates made, which holds that CA alone (remove_defaults)
check ca-cert-verifies openssl verify -CAfile /etc/ssl/certs/ca-certificates.crt /run/settings-leaf.pem
check ca-cert-bundle-only test "$(grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt)" = 1
check resolv-conf-nameservers sh -c 'grep -qx "nameserver 192.0.2.53" /etc/resolv.conf && grep -qx "nameserver 2001:db8::53" /etc/resolv.conf'
check resolv-conf-search grep -qx 'search settings.test ' /etc/resolv.conf
check resolv-conf-options grep -qx 'options rotate timeout:2' /etc/resolv.conf
# ssh_authkey_fingerprints: the table in the final stage's output (journal
# and console), with the sha256 of the default user's key blob as hex pairs
fp=$(awk '{print $2}' /home/debian/.ssh/authorized_keys | head -n1 | base64 -d | sha256sum | cut -c1-64 | sed 's/../&:/g; s/:$//')
check fingerprint-title sh -c 'journalctl -b -o cat --no-pager | grep -q "^ci-info: +*Authorized keys from /home/debian/.ssh/authorized_keys for user debian+*$"'
check fingerprint-row sh -c "journalctl -b -o cat --no-pager | grep -q '^ci-info: | ssh-ed25519 | $fp |'"
check fingerprint-libcrypto-lazy sh -c '! ldd /usr/bin/cloudboot | grep -q libcrypto'
check keys-applied sh -c '! grep -E "(keyboard|locale|ntp|resolv_conf|rsyslog|ca_certs|authkey_hash|apt)[^ ]*.* not applied" /var/log/cloud-init.log'
check runcmd grep -qx runcmd-ran /var/tmp/runcmd.out
check boot-finished test -s /var/lib/cloud/instance/boot-finished
