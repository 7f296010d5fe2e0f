# SPDX-License-Identifier: Apache-2.0
# Provisioned from an OpenStack config drive.
check configdrive-datasource sh -c 'cloudboot status --long | grep -q "^detail: DataSourceConfigDrive \[seed=/dev/sr"'
check configdrive-platform test "$(cloudboot query v1.platform)" = openstack
check configdrive-instance-id test "$(cloudboot query v1.instance_id)" = 5f8b1a0c-0d3e-4a4b-9a51-cd0000000001
check configdrive-hostname test "$(hostname)" = vm-configdrive
check configdrive-public-keys sh -c 'grep -q cloudboot-vm-test-key /home/debian/.ssh/authorized_keys'
check configdrive-write-files grep -qx from-a-config-drive /etc/vm-configdrive.conf
check configdrive-status cloudboot status
