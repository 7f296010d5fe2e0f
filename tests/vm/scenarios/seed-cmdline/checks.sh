# SPDX-License-Identifier: Apache-2.0
check cmdline-hostname test "$(hostname)" = vm-cmdline
check cmdline-instance-id test "$(cloudboot query v1.instance_id)" = iid-vm-cmdline
check cmdline-dsmode-local grep -q 'dsmode=local' /var/lib/cloud/instance/datasource
check cmdline-status cloudboot status
