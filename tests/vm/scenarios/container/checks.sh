# SPDX-License-Identifier: Apache-2.0
# A container provisioned from a seed directory, sourced by cloudboot-vm-check.
check container-detected test "$(cloudboot query _cloudboot.hypervisor)" = container
check container-datasource sh -c 'cloudboot query v1.subplatform | grep -q "seed-dir (/var/lib/cloud/seed/nocloud)"'
check container-hostname test "$(hostname)" = vm-container
check container-etc-hostname test "$(cat /etc/hostname)" = vm-container
check container-machine-id sh -c 'grep -qx "[0-9a-f]\{32\}" /etc/machine-id && cmp -s /etc/machine-id /var/lib/cloud/data/machine-id'
check container-timezone test "$(date +%Z)" = JST
check container-authorized-keys test "$(stat -c %a:%U /home/tester/.ssh/authorized_keys)" = 600:tester
check container-host-keys test -s /etc/ssh/ssh_host_ed25519_key.pub
install -m 0600 /run/vm-seed/id_ed25519 /run/vm-test-key
check container-ssh-login ssh -i /run/vm-test-key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=20 tester@127.0.0.1 true
check container-sudo sh -c 'sudo -l -U tester | grep -q "NOPASSWD: ALL"'
check container-write-files test "$(stat -c %a "/etc/vm-container.conf"):$(cat /etc/vm-container.conf)" = 640:in-a-container
check container-runcmd grep -qx runcmd-ran /var/tmp/runcmd.out
check container-boot-finished test -s /var/lib/cloud/instance/boot-finished
check container-status cloudboot status
check container-no-failed-units sh -c 'test -z "$(systemctl list-units --failed --no-legend --plain)"'
