# SPDX-License-Identifier: Apache-2.0
check raw-hostname test "$(hostname)" = vm-raw
check raw-write-files grep -qx raw /etc/raw-disk
check raw-root-device sh -c 'findmnt -n -o SOURCE / | grep -q vda'
check raw-status cloudboot status
