# SPDX-License-Identifier: Apache-2.0
# Provisioned from systemd credentials passed in QEMU's fw_cfg.
check fwcfg-imported test -s /run/credentials/@system/cloudboot.user-data
check fwcfg-datasource sh -c 'cloudboot status --long | grep -q "^detail: DataSourceCredentials"'
check fwcfg-instance-id test "$(cloudboot query v1.instance_id)" = iid-vm-fwcfg
check fwcfg-hostname test "$(hostname)" = vm-fwcfg
check fwcfg-write-files grep -qx from-fw-cfg /etc/vm-fwcfg.conf
check fwcfg-status cloudboot status
