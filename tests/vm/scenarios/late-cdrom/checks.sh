# SPDX-License-Identifier: Apache-2.0
# Sourced after `cloudboot status --wait`, which returned as soon as the boot
# was done (disabled-by-generator): nothing pulled cloudboot in. The host
# inserts the medium when it sees HARNESS-BOOTED; wait here for the
# provisioning that must follow.
i=0
while [ ! -e /var/lib/cloud/instance/boot-finished ] && [ $i -lt 600 ]; do
	sleep 0.5
	i=$((i + 1))
done
check latecd-generator-saw-nothing grep -q '^not enabled: ' /run/cloud-init/cloudboot-generator.log
check latecd-status-before-medium sh -c 'grep -qx "boot_status_code: disabled-by-generator" /run/vm-status-at-boot.txt || { tr -d . </run/vm-status-at-boot.txt; exit 1; }'
check latecd-provisioned test -e /var/lib/cloud/instance/boot-finished
check latecd-started-by-udev sh -c 'systemctl show -p TriggeredBy,WantedBy cloudboot.target; systemctl is-active cloudboot.target'
check latecd-hostname test "$(hostname)" = vm-latecd
check latecd-authorized-keys test "$(stat -c %a:%U /home/tester/.ssh/authorized_keys)" = 600:tester
check latecd-write-files grep -qx from-a-late-cdrom /etc/vm-latecd.conf
check latecd-runcmd grep -qx runcmd-ran /var/tmp/runcmd.out
check latecd-status cloudboot status --wait
