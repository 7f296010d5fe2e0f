# SPDX-License-Identifier: Apache-2.0
# grow: the root partition reaches the end of the grown disk (less the 33
# sectors of the backup GPT), the filesystem fills it, both said in the log
# as cloud-init says it; a second run changes nothing and says so.
LOG=/var/log/cloud-init.log
check grow-root-partition-end sh -c 's=$(cat /sys/block/vda/vda1/start); z=$(cat /sys/block/vda/vda1/size); d=$(cat /sys/block/vda/size); test $((s + z)) = $((d - 33)) || { echo "ends at $((s + z)) of $d"; exit 1; }'
check grow-disk-bigger test "$(cat /sys/block/vda/size)" -gt $((4 * 1024 * 1024 * 2 - 4096))
check grow-filesystem sh -c 'b=$(df -B1 --output=size / | tail -n 1); test "$b" -gt $((3900 * 1024 * 1024)) || { df -h /; exit 1; }'
check grow-growpart-logged grep -q "'/' resized: changed (/dev/vda, 1) from 2147483648 to " $LOG
check grow-resizefs-logged grep -q "Resized root filesystem (type=ext4, val=true)" $LOG
check grow-second-run sh -c 'cloudboot single --name growpart --frequency always 2>&1 | grep -q "already fills /dev/vda: no change"'
check grow-second-resizefs sh -c '! cloudboot --debug single --name resizefs --frequency always 2>&1 | grep -q "Resized root filesystem"'
# disks: the blank virtio disk has the GPT asked (20% swap, the rest Linux),
# its filesystems and labels, the fstab lines and the mount; the NVMe disk
# with a filesystem was left alone, and said so
check disks-gpt test "$(blkid -p -o value -s PTTYPE /dev/vdb)" = gpt
check disks-swap-type test "$(blkid -p -o value -s PART_ENTRY_TYPE /dev/vdb1)" = 0657fd6d-a4ab-43c4-84e5-0933c84b4f4f
check disks-linux-type test "$(blkid -p -o value -s PART_ENTRY_TYPE /dev/vdb2)" = 0fc63daf-8483-4772-8e79-3d69d8477de4
check disks-swap-size sh -c 'test "$(cat /sys/block/vdb/vdb1/size)" = $(( $(cat /sys/block/vdb/size) / 5 ))'
check disks-ext4 test "$(blkid -p -o value -s TYPE /dev/vdb2):$(blkid -p -o value -s LABEL /dev/vdb2)" = ext4:vmdata
check disks-swap-label test "$(blkid -p -o value -s TYPE /dev/vdb1):$(blkid -p -o value -s LABEL /dev/vdb1)" = swap:vmswap
check disks-extra-opts sh -c 'dumpe2fs -h /dev/vdb2 2>/dev/null | grep -q "^Reserved block count: *0$"'
check disks-fstab grep -q "^LABEL=vmdata	/data	ext4	defaults,nofail,noatime,comment=cloudconfig	0	2$" /etc/fstab
check disks-fstab-swap grep -q "^/dev/vdb1	none	swap	sw,comment=cloudconfig	0	0$" /etc/fstab
check disks-mounted test "$(findmnt -n -o SOURCE,FSTYPE /data)" = "/dev/vdb2 ext4"
check disks-mount-options sh -c 'findmnt -n -o OPTIONS /data | grep -qw noatime'
check disks-swap-active sh -c 'swapon --show=NAME --noheadings | grep -qx /dev/vdb1'
check disks-swapfile-active sh -c 'swapon --show=NAME --noheadings | grep -qx /swap.img'
check disks-keep-untouched test "$(blkid -p -o value -s LABEL /dev/nvme0n1)" = keep
check disks-keep-no-table sh -c 'test -z "$(blkid -p -o value -s PTTYPE /dev/nvme0n1)"'
check disks-keep-said grep -q "disk_setup: /dev/nvme0n1 holds a ext4 filesystem labelled 'keep': left alone" $LOG
check disks-keep-fs-said grep -q "fs_setup: /dev/nvme0n1 holds a ext4 filesystem labelled 'keep': not formatted" $LOG
check disks-second-run sh -c 'cloudboot single --name disk_setup --frequency always 2>&1 | grep -q "/dev/vdb already has the layout asked (gpt, 2 partitions): no change"'
# done, degraded (exit 2) by the warnings about the disk left alone, no error
check status-done-degraded sh -c 'cloudboot status; test $? = 2'
check status-no-errors sh -c 'cloudboot status --format json | grep -qF "\"errors\": []"'
# the figure tests/vm/run --bench prints: grown_fs, the seconds from the
# kernel's start to the grown root filesystem (the journal's monotonic time of
# resizefs's message; else its time in the log, less the boot's start), and
# what growpart and resizefs themselves took (cloudboot analyze blame)
grown=$(journalctl -b -o short-monotonic --no-pager 2>/dev/null | grep -a -m1 'Resized root filesystem' |
	sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
if [ -z "$grown" ]; then
	t=$(grep -a -m1 'Resized root filesystem' $LOG | cut -c1-19)
	[ -n "$t" ] && grown=$(awk -v t="$(date -d "$t" +%s)" -v now="$(date +%s)" -v up="$(cut -d' ' -f1 /proc/uptime)" \
		'BEGIN { printf "%.3f", t - (now - up) }')
fi
took() { cloudboot analyze blame 2>/dev/null | sed -n "s/^ *\([0-9.]*\)s (.*config-$1)\$/\1/p" | head -n1; }
gp=$(took growpart)
rz=$(took resizefs)
echo "BENCH grown_fs=${grown:-0} growpart=${gp:-0} resizefs=${rz:-0}"
