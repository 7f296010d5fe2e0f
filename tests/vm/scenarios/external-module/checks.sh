# SPDX-License-Identifier: Apache-2.0
# Checks for the external-module scenario, sourced by cloudboot-vm-check in the guest.
check issue-written test "$(cat /etc/issue)" = "Welcome to vm-extmod"
check issue-mode test "$(stat -c %a:%U /etc/issue)" = 644:root
check module-listed sh -c 'cloudboot modules | grep -Eq "^issue +modules-config +once-per-instance +yes +/etc/cloud/modules.d/issue.json$"'
check module-semaphore test -e /var/lib/cloud/instance/sem/config_issue
check module-workdir test "$(stat -c %a:%U /var/lib/cloud/instance/modules/issue)" = 700:root
check module-output grep -q 'issue: wrote /etc/issue (instance iid-vm-external-module, once-per-instance)' /var/log/cloud-init-output.log
check module-ran-in-config sh -c 'grep -q "modules-config/issue: Running external module issue" /var/log/cloud-init.log'
check runcmd grep -qx runcmd-ran /var/tmp/runcmd.out
check status-exit-0 cloudboot status
check no-failed-units sh -c 'test -z "$(systemctl list-units --failed --no-legend --plain)"'
