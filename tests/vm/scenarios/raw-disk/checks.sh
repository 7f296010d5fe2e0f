# SPDX-License-Identifier: Apache-2.0
check raw-hostname test "$(hostname)" = vm-raw
check raw-write-files grep -qx raw /etc/raw-disk
check raw-root-device sh -c 'findmnt -n -o SOURCE / | grep -q vda'
check raw-status cloudboot status
# on a disk 2 GB bigger: growpart leaves the bare filesystem (no partition),
# resizefs grows it to the disk
check raw-disk-bigger test "$(cat /sys/block/vda/size)" -gt $((4 * 1024 * 1024 * 2 - 4096))
check raw-filesystem-grown sh -c 'b=$(df -B1 --output=size / | tail -n 1); test "$b" -gt $((3900 * 1024 * 1024)) || { df -h /; exit 1; }'
check raw-growpart-skipped grep -q "growpart: '/' is on /dev/vda, which is not a partition; skipped" /var/log/cloud-init.log
check raw-resizefs-logged grep -q "Resized root filesystem (type=ext4, val=true)" /var/log/cloud-init.log
