# SPDX-License-Identifier: Apache-2.0
check vfat-hostname test "$(hostname)" = vm-vfat
check vfat-user-data grep -qx vfat /etc/from-vfat
check vfat-seed-device sh -c 'grep -q "seed=/dev/vd" /var/lib/cloud/instance/datasource'
check vfat-status cloudboot status
