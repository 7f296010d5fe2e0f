# SPDX-License-Identifier: Apache-2.0
check smbios-hostname test "$(hostname)" = vm-smbios
check smbios-instance-id test "$(cloudboot query v1.instance_id)" = iid-vm-smbios
check smbios-seed grep -q 'seed=dmi' /var/lib/cloud/instance/datasource
check smbios-status cloudboot status
