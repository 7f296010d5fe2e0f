# SPDX-License-Identifier: Apache-2.0
# Checks for the first-boot scenario, sourced by cloudboot-vm-check in the guest.
check hostname test "$(hostname)" = vm-first
check etc-hostname test "$(cat /etc/hostname)" = vm-first
check hostnamectl sh -c 'hostnamectl --static 2>/dev/null | grep -qx vm-first || test "$(cat /etc/hostname)" = vm-first'
check machine-id-valid grep -qx '[0-9a-f]\{32\}' /etc/machine-id
check machine-id-dbus-link test "$(readlink /var/lib/dbus/machine-id)" = /etc/machine-id
check machine-id-recorded sh -c 'cmp -s /etc/machine-id /var/lib/cloud/data/machine-id'
check authorized-keys-default sh -c 'grep -q cloudboot-vm-test-key /home/debian/.ssh/authorized_keys'
check ssh-dir-mode test "$(stat -c %a:%U /home/tester/.ssh)" = 700:tester
check authorized-keys-mode test "$(stat -c %a:%U /home/tester/.ssh/authorized_keys)" = 600:tester
check host-keys sh -c 'for t in rsa ecdsa ed25519; do test "$(stat -c %a /etc/ssh/ssh_host_${t}_key)" = 600 || exit 1; done'
# begun by init-local under systemd (its children outlive the unit's main
# process), taken up by the ssh module, none made again, nothing left in /run
check host-keys-early sh -c 'for t in rsa ecdsa ed25519; do grep -q "Made the $t host key early in" /var/log/cloud-init.log || exit 1; done; ! grep -q "made early names another host" /var/log/cloud-init.log && test ! -e /run/cloud-init/cloudboot-hostkeys'
check host-key-comment grep -q ' root@vm-first$' /etc/ssh/ssh_host_rsa_key.pub
install -m 0600 /run/vm-seed/id_ed25519 /run/vm-test-key
check ssh-login ssh -i /run/vm-test-key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=20 tester@127.0.0.1 true
check ssh-login-default ssh -i /run/vm-test-key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=20 debian@127.0.0.1 true
check timezone test "$(date +%Z)" = EAT
check localtime-link test "$(readlink /etc/localtime)" = /usr/share/zoneinfo/Africa/Dar_es_Salaam
check write-files test "$(stat -c %a:%U:%G /etc/vm-test/config.ini)" = 640:tester:tester
check write-files-content grep -qx ok=1 /etc/vm-test/config.ini
check users getent passwd tester
check sudo sh -c 'sudo -l -U tester | grep -q "NOPASSWD: ALL"'
check etc-hosts grep -q '^127.0.1.1 vm-first.example.test vm-first$' /etc/hosts
check runcmd grep -qx runcmd-ran /var/tmp/runcmd.out
check boot-finished test -s /var/lib/cloud/instance/boot-finished
check no-failed-units sh -c 'test -z "$(systemctl list-units --failed --no-legend --plain)"'
check status-exit-0 cloudboot status
# system fit: the generator found the seed, sshd started only after the
# network stage had written the keys, journal fields, STATUS= from the units
check generator-enabled sh -c 'f=/run/cloud-init/cloudboot-generator.log; grep -Eq "^enabled: (a filesystem labelled cidata|/dev/sr[0-9]+ is a seed filesystem)" $f || { cat $f; exit 1; }'
check sshd-after-keys sh -c 'k=$(systemctl show -p ExecMainExitTimestampMonotonic --value cloudboot.service); s=$(systemctl show -p ActiveEnterTimestampMonotonic --value ssh.service); test "$k" -gt 0 && test "$s" -ge "$k" && test "$(stat -c %Y /home/tester/.ssh/authorized_keys)" -le "$(date +%s)"'
check journal-module-field sh -c 'journalctl -b MODULE=ssh -o cat --no-pager | grep -q .'
check unit-status-text sh -c 'systemctl show -p StatusText --value cloudboot-final.service | grep -qx "modules-final: done"'
check cloud-init-status-wait cloud-init status --wait
