# SPDX-License-Identifier: Apache-2.0
# Boot 1 records what a reboot must keep and a clone must change.
if [ "$VM_BOOT" = 1 ]; then
	cat /etc/machine-id >/var/tmp/machine-id.1
	cat /etc/ssh/ssh_host_ed25519_key.pub >/var/tmp/hostkey.1
	check first-boot-runcmd test "$(cat /var/tmp/runcmd.count)" = run
	check first-boot-config-started sh -c 'test "$(systemctl show -p ConditionResult --value cloudboot-config.service)" = yes && ! test -e /run/cloud-init/cloudboot-skip-config'
elif [ "$VM_BOOT" = 2 ]; then
	check reboot-keeps-machine-id cmp -s /etc/machine-id /var/tmp/machine-id.1
	check reboot-keeps-host-keys cmp -s /etc/ssh/ssh_host_ed25519_key.pub /var/tmp/hostkey.1
	check reboot-runcmd-not-rerun test "$(wc -l </var/tmp/runcmd.count)" = 1
	check reboot-bootcmd-rerun test "$(wc -l </var/tmp/bootcmd.count)" = 2
	check reboot-status cloudboot status
	# every config module ran for the instance: its unit is not started
	# (the network stage's marker), status.json still has the stage done
	check reboot-config-not-started sh -c 'test -f /run/cloud-init/cloudboot-skip-config && test "$(systemctl show -p ConditionResult --value cloudboot-config.service)" = no'
	check reboot-status-config-done sh -c 'awk "/\"modules-config\"/ { f = 1 } f && /\"finished\"/ { print; exit }" /run/cloud-init/status.json | grep -Eq "\"finished\": [0-9]"'
else
	check clone-new-machine-id sh -c '! cmp -s /etc/machine-id /var/tmp/machine-id.1'
	check clone-new-host-keys sh -c '! cmp -s /etc/ssh/ssh_host_ed25519_key.pub /var/tmp/hostkey.1'
	check clone-runcmd-rerun test "$(wc -l </var/tmp/runcmd.count)" = 2
	check clone-instance-id grep -qx iid-vm-reboot-2 /var/lib/cloud/data/instance-id
	# cloud-init's init stage records the instance again after init-local,
	# so previous-instance-id ends with the current id (docs/compat.md);
	# the first instance's directory is what remains of it.
	check clone-previous-instance-id grep -qx iid-vm-reboot-2 /var/lib/cloud/data/previous-instance-id
	check clone-first-instance-kept test -d /var/lib/cloud/instances/iid-vm-reboot-1
	check clone-status cloudboot status
	check clone-config-started test "$(systemctl show -p ConditionResult --value cloudboot-config.service)" = yes
fi
