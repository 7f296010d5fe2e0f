#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# growpart and resizefs on an image file: a GPT disk image with one ext4
# partition is mounted (through a loop device) as the target root, the image
# file grows by 64 MiB, and the init stage must grow the partition to the end
# of the disk (backup GPT header moved, the kernel told) and the filesystem to
# the partition; a second boot changes nothing and says so. The machine's own
# disks are never touched: under --root only loop devices are grown.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: loop devices need root"; exit 77; }
for t in losetup sfdisk mkfs.ext4 resize2fs; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
IMG="$R.img"
LOOP=""
done_loop() {
	if [ -n "$LOOP" ]; then
		umount "$R" 2>/dev/null || true
		losetup -d "$LOOP" 2>/dev/null || true
	fi
	rm -rf "$R" "$OUT" "$IMG"
}
trap done_loop EXIT

truncate -s 64M "$IMG"
printf 'label: gpt\n,40M\n' | sfdisk -q "$IMG" >/dev/null
LOOP=$(losetup -f --show -P "$IMG" 2>/dev/null) || { echo "SKIP: no loop device"; exit 77; }
PART="${LOOP}p1"
name=$(basename "$PART")
i=0
while [ ! -b "$PART" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# where the kernel does not scan the loop device, partx adds the partition (BLKPG)
[ -b "$PART" ] || { partx -a "$LOOP" 2>/dev/null || true; sleep 0.5; }
[ -b "$PART" ] || { echo "SKIP: the kernel made no partition device for $LOOP"; exit 77; }
mkfs.ext4 -q "$PART"
mount "$PART" "$R" 2>/dev/null || { echo "SKIP: cannot mount ext4 here"; exit 77; }
make_target
seed "instance-id: iid-grow
" "#cloud-config
"
size_before=$(cat "/sys/block/$(basename "$LOOP")/$name/size")
truncate -s 128M "$IMG"
losetup -c "$LOOP"
disk=$(cat "/sys/block/$(basename "$LOOP")/size")
[ "$disk" = 262144 ] || fail "the loop device did not grow ($disk sectors)"

cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
size_after=$(cat "/sys/block/$(basename "$LOOP")/$name/size")
start=$(cat "/sys/block/$(basename "$LOOP")/$name/start")
# the partition ends at the last usable sector: the disk less the 33 of the backup GPT
[ $((start + size_after)) = $((disk - 33)) ] ||
	fail "the partition ends at $((start + size_after)), not at $((disk - 33)) (was $size_before sectors)"
grep -q "'/' resized: changed (/dev/$(basename "$LOOP"), 1) from $((size_before * 512)) to $((size_after * 512))" "$OUT" ||
	fail "growpart did not say what it changed"
sfdisk -d "$LOOP" 2>"$R.err" | grep -q "last-lba: $((disk - 34))" || fail "the GPT does not end at the new end of the disk"
grep -q "backup GPT table is not on the end" "$R.err" && fail "the backup GPT header was not moved"
rm -f "$R.err"
# the filesystem fills the partition: resize2fs grows a mounted ext4 online,
# which needs CAP_SYS_RESOURCE; a sandbox without it gets resize2fs's refusal
blocks=$(dumpe2fs -h "$PART" 2>/dev/null | sed -n 's/^Block count: *//p')
bsize=$(dumpe2fs -h "$PART" 2>/dev/null | sed -n 's/^Block size: *//p')
if grep -q "Permission denied to resize filesystem" "$OUT"; then
	echo "# no CAP_SYS_RESOURCE here: online resize refused; the refusal must be reported"
	grep -q "resizefs: resize2fs $PART exited with an error" "$OUT" || fail "resizefs did not report resize2fs's failure"
else
	[ $((blocks * bsize)) -gt $((120 * 1024 * 1024)) ] || fail "the filesystem was not resized ($blocks blocks of $bsize)"
	grep -q "Resized root filesystem (type=ext4, val=true)" "$OUT" || fail "resizefs did not say it resized"
fi

# the next boot: nothing to do, said once
: >"$OUT"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
grep -q "growpart: '/' (/dev/$name) already fills /dev/$(basename "$LOOP"): no change" "$OUT" ||
	fail "a second boot did not say the partition is already full-size"
grep -q "Resized root filesystem" "$OUT" && fail "a second boot resized the filesystem again"
# resizefs left alone what is full-size, without running the tool
umount "$R"
resize2fs -f "$PART" >/dev/null 2>&1 || fail "resize2fs cannot grow the filesystem offline"
mount "$PART" "$R"
: >"$OUT"
cb --debug init >>"$OUT" 2>&1 || fail "init exited $?"
grep -q "resizefs: $R already fills $PART" "$OUT" || fail "resizefs did not see that the filesystem fills its partition"
grep -q "resize2fs" "$OUT" && fail "resize2fs ran for a filesystem that fills its partition"

# off, and /etc/growroot-disabled
: >"$OUT"
mkdir -p "$R/etc/cloud/cloud.cfg.d"
printf 'growpart: {mode: "off"}\n' >"$R/etc/cloud/cloud.cfg.d/90-grow.cfg"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
grep -q "growpart" "$OUT" && fail "growpart ran with mode off"
rm "$R/etc/cloud/cloud.cfg.d/90-grow.cfg"
touch "$R/etc/growroot-disabled"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
grep -q "growpart disabled: /etc/growroot-disabled exists" "$OUT" || fail "/etc/growroot-disabled was not honoured"
pass "growpart and resizefs grew a loop device's partition and filesystem to the end of the disk"
