#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# disk_setup and fs_setup on loop devices (image files): a blank disk is
# partitioned (GPT, cloud-init's percentages and types) and formatted, by
# device_aliases and the name.N form; a disk that already holds a filesystem
# is neither partitioned nor formatted until overwrite: true says so, and a
# later instance whose layout and filesystems are there changes nothing. One
# loop device is attached without partition scanning, so the kernel learns
# its partitions through BLKPG. The machine's own disks are never touched:
# under --root only loop devices are. A full disk: a swap file that does not
# fit, and one that runs out of space while it is allocated, each give one
# warning with where swap.size was given, leave no file, and the stage goes on.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: loop devices need root"; exit 77; }
for t in losetup sfdisk mkfs.ext4 mkswap blkid; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
A=""
B=""
done_loops() {
	# partitions added by BLKPG outlive the loop device's detaching: drop them
	for l in $A $B; do partx -d "$l" 2>/dev/null || true; losetup -d "$l" 2>/dev/null || true; done
	umount "$R/swapvol" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$R.a" "$R.b" "$R.c" "$R.err"
}
trap done_loops EXIT

truncate -s 64M "$R.a"
A=$(losetup -f --show -P "$R.a" 2>/dev/null) || { echo "SKIP: no loop device"; exit 77; }
truncate -s 32M "$R.b"
mkfs.ext4 -q -L keep "$R.b"
B=$(losetup -f --show "$R.b" 2>/dev/null) || { echo "SKIP: no second loop device"; exit 77; }
part() { # DISK N: its Nth partition's device
	echo "${1}p$2"
}
make_target
config() { # INSTANCE-ID OVERWRITE
	seed "instance-id: $1
" "#cloud-config
device_aliases: {data: $A, old: $B}
disk_setup:
  data: {table_type: gpt, layout: [[25, 82], 50, [25, '8302']], overwrite: false}
  old: {table_type: mbr, layout: true, overwrite: $2}
fs_setup:
  - {label: swapper, filesystem: swap, device: data.1}
  - {label: mydata, filesystem: ext4, device: data.2}
  - {label: home, filesystem: ext4, device: data, partition: 3, extra_opts: '-m 0 -E \"lazy_itable_init=1\"'}
  - {label: scratch, filesystem: ext4, device: old, partition: auto, overwrite: $2}
"
}
config iid-disks-1 false
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"

# the table: GPT, 25% swap, 50% Linux, the rest /home, one after the other from 1 MiB
sfdisk --dump "$A" >"$R.err" 2>&1 || fail "sfdisk cannot read $A"
grep -q "^label: gpt" "$R.err" || fail "$A has no GPT: $(cat "$R.err")"
grep -q "^$(part "$A" 1) : start=        2048, size=       32768, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F" "$R.err" ||
	fail "partition 1 is not 25% swap from 1 MiB: $(cat "$R.err")"
grep -q "^$(part "$A" 2) : start=       34816, size=       65536, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4" "$R.err" ||
	fail "partition 2 is not 50% Linux: $(cat "$R.err")"
grep -q "^$(part "$A" 3) : start=      100352, size=       28672, type=933AC7E1-2EB4-4F13-B844-0E14E2AEF915" "$R.err" ||
	fail "partition 3 is not the rest of the disk (its end aligned to 1 MiB), type 8302: $(cat "$R.err")"
grep -q "disk_setup: created an GPT partition table on $A with 3 partitions" "$OUT" ||
	fail "disk_setup did not say what it made"
# the filesystems, by blkid
[ "$(blkid -p -o value -s TYPE "$(part "$A" 1)")" = swap ] || fail "partition 1 holds no swap"
[ "$(blkid -p -o value -s LABEL "$(part "$A" 1)")" = swapper ] || fail "the swap area is not labelled"
[ "$(blkid -p -o value -s TYPE "$(part "$A" 2)")" = ext4 ] || fail "partition 2 holds no ext4"
[ "$(blkid -p -o value -s LABEL "$(part "$A" 2)")" = mydata ] || fail "partition 2 is not labelled mydata"
[ "$(blkid -p -o value -s LABEL "$(part "$A" 3)")" = home ] || fail "partition 3 is not labelled home"
# extra_opts as a string: split into words as a shell does (-m 0: no reserved blocks)
[ "$(dumpe2fs -h "$(part "$A" 3)" 2>/dev/null | sed -n 's/^Reserved block count: *//p')" = 0 ] ||
	fail "extra_opts '-m 0' did not reach mkfs.ext4"
# the disk with a filesystem: left alone, said why
grep -q "disk_setup: $B holds a ext4 filesystem labelled 'keep': left alone (overwrite: true replaces it)" "$OUT" ||
	fail "disk_setup did not refuse the disk with a filesystem"
grep -q "fs_setup: no device on $B fits" "$OUT" || fail "fs_setup did not refuse the used disk"
[ "$(blkid -p -o value -s LABEL "$B")" = keep ] || fail "the filesystem on $B was overwritten"
sfdisk --dump "$B" >/dev/null 2>&1 && fail "$B got a partition table without overwrite"

# a new instance with the same config: the layout and filesystems are there
: >"$OUT"
config iid-disks-2 false
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
grep -q "disk_setup: $A already has the layout asked (gpt, 3 partitions): no change" "$OUT" ||
	fail "a second instance did not see the layout is there"
grep -q "fs_setup: $(part "$A" 2) already has the ext4 filesystem labelled 'mydata' asked: no change" "$OUT" ||
	fail "a second instance did not see the filesystem is there"
grep -q "created" "$OUT" && fail "a second instance created something"

# overwrite: true on the used disk (not scanned for partitions: BLKPG tells the kernel)
: >"$OUT"
config iid-disks-3 true
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
grep -q "disk_setup: overwrite: purging a ext4 filesystem labelled 'keep' on $B" "$OUT" ||
	fail "overwrite did not purge the old filesystem"
sfdisk --dump "$B" 2>/dev/null | grep -q "^$(part "$B" 1) : start=        2048, size=       63488, type=83" ||
	fail "$B has no MBR partition of all the disk: $(sfdisk --dump "$B" 2>&1)"
[ -b "$(part "$B" 1)" ] || fail "the kernel was not told of $B's partition"
[ "$(blkid -p -o value -s LABEL "$(part "$B" 1)")" = scratch ] || fail "partition: auto did not format $B's new partition"
[ "$(blkid -p -o value -s TYPE "$B")" = "" ] || true
pass "disk_setup and fs_setup partitioned and formatted loop devices, and left a used disk alone until told"

# A full disk: the swap file's filesystem is a small ext2 one (1 KiB blocks,
# no reserved ones) mounted in the target. ext2 cannot fallocate, so the file
# is written out, and its indirect blocks take space beyond its size.
truncate -s 8M "$R.c"
mkfs.ext2 -q -F -b 1024 -m 0 "$R.c"
mkdir -p "$R/swapvol"
mount -o loop "$R.c" "$R/swapvol" 2>/dev/null || { echo "SKIP: cannot loop-mount ext2 here"; exit 77; }
ln -sf busybox "$R/bin/mkswap"
swapcfg() { # INSTANCE-ID SIZE
	seed "instance-id: $1
" "#cloud-config
hostname: after-swap-$1
mounts:
  - [/dev/vdz1, /scratch, ext4, 'defaults,nofail']
swap:
  filename: /swapvol/swap.img
  size: $2
"
}
# more than the filesystem has: refused before anything is written
: >"$OUT"
swapcfg iid-full-1 16M
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $? with a swap file that does not fit"
grep -Eq "user-data:[0-9]+:[0-9]+: swap: a swap file /swapvol/swap.img of 16 MiB does not fit: [0-9]+ MiB free there; no swap file" "$OUT" ||
	fail "a swap file too big for its disk was not refused with its position"
[ "$(grep -c "swap.img" "$OUT")" = 1 ] || fail "the swap file that does not fit was reported more than once"
[ ! -e "$R/swapvol/swap.img" ] || fail "a swap file that does not fit was left"
grep -q "^/dev/vdz1	/scratch	ext4	defaults,nofail,comment=cloudconfig	0	2$" "$R/etc/fstab" ||
	fail "mounts did not write its fstab line after the swap file failed: $(cat "$R/etc/fstab")"
grep -q swap.img "$R/etc/fstab" && fail "fstab names a swap file that was not made"
[ "$(cat "$R/etc/hostname")" = after-swap-iid-full-1 ] || fail "the init stage did not go on after mounts"

# fits by statvfs, but the disk fills while it is written: between 3 MiB and
# 3 MiB + 8 KiB free, fewer than the file's indirect blocks need
avail() { stat -f -c '%a' "$R/swapvol"; }
# (a filler short of that by its own indirect blocks, then 1 KiB at a time)
dd if=/dev/zero of="$R/swapvol/filler" bs=1k count=$(($(avail) - 3200 - $(avail) / 200)) status=none
i=0
while [ "$(avail)" -gt 3080 ] && [ $i -lt 400 ]; do
	dd if=/dev/zero bs=1k count=1 status=none >>"$R/swapvol/filler" 2>/dev/null || true
	i=$((i + 1))
done
[ "$(avail)" -ge 3072 ] && [ "$(avail)" -le 3080 ] || { echo "SKIP: could not leave 3 MiB free ($(avail) KiB)"; exit 77; }
: >"$OUT"
swapcfg iid-full-2 3M
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $? with a disk that filled up"
grep -Eq "user-data:[0-9]+:[0-9]+: swap: failed to set up swap file /swapvol/swap.img of 3 MiB: No space left on device; no swap file" "$OUT" ||
	fail "a disk that filled up under the swap file was not reported as such, with its position"
[ "$(grep -c "swap.img" "$OUT")" = 1 ] || fail "the full disk was reported more than once"
[ ! -e "$R/swapvol/swap.img" ] || fail "a half-written swap file was left ($(stat -c %s "$R/swapvol/swap.img") bytes)"
[ "$(avail)" -ge 3072 ] || fail "the half-written swap file's space was not given back"
grep -q swap.img "$R/etc/fstab" && fail "fstab names a swap file that was not made"
[ "$(cat "$R/etc/hostname")" = after-swap-iid-full-2 ] || fail "the init stage did not go on after mounts"
pass "a full disk: the swap file refused or removed, one warning with its position each, the stage went on"
