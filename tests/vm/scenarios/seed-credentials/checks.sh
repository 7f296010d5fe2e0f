# SPDX-License-Identifier: Apache-2.0
# Provisioned from systemd credentials passed in SMBIOS type 11.
check credentials-imported test -s /run/credentials/@system/cloudboot.user-data
check credentials-generator grep -q '^enabled: a system credential' /run/cloud-init/cloudboot-generator.log
check credentials-datasource sh -c 'cloudboot status --long | grep -q "^detail: DataSourceCredentials"'
check credentials-instance-id test "$(cloudboot query v1.instance_id)" = iid-vm-credentials
check credentials-hostname test "$(hostname)" = vm-credentials
check credentials-authorized-keys test "$(stat -c %a:%U /home/tester/.ssh/authorized_keys)" = 600:tester
check credentials-write-files grep -qx from-a-credential /etc/vm-credentials.conf
check credentials-status cloudboot status
