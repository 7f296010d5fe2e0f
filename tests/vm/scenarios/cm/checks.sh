# SPDX-License-Identifier: Apache-2.0
# Checks for the cm scenario (ansible-pull), sourced by cloudboot-vm-check.
check cm-module-installed test -x /usr/lib/cloudboot/modules/ansible
check cm-ansible-installed sh -c 'dpkg -s ansible-core | grep -q "^Status: install ok installed"'
check cm-playbook-ran test "$(cat /var/tmp/ansible-pull.out)" = pulled-by-ansible
check cm-pulled-checkout sh -c 'test -f /root/.ansible/pull/*/site.yml'
check cm-argv sh -c 'grep -q "modules-final/ansible: Running ansible-pull --url=file:///srv/playbooks.git --checkout=main site.yml" /var/log/cloud-init.log'
check cm-semaphore test -e /var/lib/cloud/instance/sem/config_ansible
check cm-status cloudboot status
check cm-no-failed-units sh -c 'test -z "$(systemctl list-units --failed --no-legend --plain)"'
