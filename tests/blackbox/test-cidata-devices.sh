#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A real seed disk: an ISO9660 image labelled cidata (genisoimage) and a vfat
# image labelled CIDATA (mkfs.vfat, mcopy), attached as loop devices, found by
# label with libblkid, mounted read-only on a private directory, read and
# unmounted. Needs root and loop devices; skipped (77) with the reason if not.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to attach loop devices and mount"
for tool in losetup genisoimage mkfs.vfat mcopy blkid; do
	command -v $tool >/dev/null 2>&1 || skip "$tool is not installed"
done

LOOPS=""
detach() {
	for l in $LOOPS; do losetup -d "$l" 2>/dev/null || true; done
	cleanup
}
trap detach EXIT

S="$R/src"
mkdir -p "$S"
printf 'instance-id: iid-from-iso\nlocal-hostname: iso-host\n' >"$S/meta-data"
printf '#cloud-config\nwrite_files:\n  - path: /etc/from-disk\n    content: iso\n' >"$S/user-data"

# The machine running the test may carry a cidata disk of its own (it may
# have been provisioned by cloud-init): then the test uses its own labels, so
# that it finds only the disks it made.
if [ -n "$(blkid -t LABEL=cidata -o device 2>/dev/null; blkid -t LABEL=CIDATA -o device 2>/dev/null)" ]; then
	ISO_LABEL=cbtestiso
	VFAT_LABEL=CBTESTVFAT
else
	ISO_LABEL=cidata
	VFAT_LABEL=CIDATA
fi

genisoimage -quiet -output "$R/seed.iso" -volid "$ISO_LABEL" -joliet -rock "$S/user-data" "$S/meta-data" ||
	fail "genisoimage failed"
loop=$(losetup --find --show --read-only "$R/seed.iso" 2>/dev/null) || skip "no loop device could be attached"
LOOPS="$loop"

run_local() { # LABEL
	rm -rf "$R/var" "$R/run" "$R/etc"
	# the label as configured; the disk's may be in the other case (mkfs.vfat
	# makes CIDATA of cidata) and must still be found
	mkdir -p "$R/etc/cloud/cloud.cfg.d"
	printf 'datasource:\n  NoCloud:\n    fs_label: %s\n' "$1" >"$R/etc/cloud/cloud.cfg.d/90-label.cfg"
	: >"$OUT"
	cb --probe-devices init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
}

# Under --root, devices are not scanned unless asked.
cb init --local >"$OUT" 2>&1 || fail "init --local exited $?"
expect_absent /var/lib/cloud/data/instance-id
grep -q "No local datasource found" "$OUT" || fail "devices were scanned without --probe-devices"

if [ "$ISO_LABEL" = cidata ]; then run_local cidata; else run_local "$ISO_LABEL"; fi
if ! grep -qw iso9660 /proc/filesystems; then
	# libblkid still found the disk by its label: cloudboot tried to mount it.
	expect_output_has "Cannot mount $loop (iso9660) read-only"
	expect_absent /var/lib/cloud/data/instance-id
	skip "found $loop by label $ISO_LABEL, but this kernel cannot mount iso9660 (not in /proc/filesystems)"
fi
if grep -q "Cannot mount" "$OUT"; then skip "mount is not permitted here: $(grep -m1 'Cannot mount' "$OUT")"; fi
expect_file /var/lib/cloud/data/instance-id iid-from-iso
expect_output_has "Found DataSourceNoCloud [seed=$loop]"
grep -q "\"subplatform\": \"config-disk ($loop)\"" "$R/run/cloud-init/instance-data.json" || fail "subplatform"
for stage in init "modules --mode config" "modules --mode final"; do
	# shellcheck disable=SC2086
	cb $stage >>"$OUT" 2>&1 || fail "$stage"
done
expect_file /etc/from-disk iso
! grep -q cloudboot-seed /proc/self/mounts || fail "a seed mount was left behind"
! ls -d /run/cloudboot-seed.* /tmp/cloudboot-seed.* 2>/dev/null | grep -q . || fail "a seed mount point was left behind"
losetup -d "$loop"
LOOPS=""

# vfat labelled CIDATA
truncate -s 4M "$R/seed.vfat"
mkfs.vfat -n "$VFAT_LABEL" "$R/seed.vfat" >/dev/null || fail "mkfs.vfat failed"
printf 'instance-id: iid-from-vfat\n' >"$S/meta-data"
mcopy -i "$R/seed.vfat" "$S/user-data" "$S/meta-data" :: || fail "mcopy failed"
loop=$(losetup --find --show --read-only "$R/seed.vfat" 2>/dev/null) || skip "no loop device could be attached"
LOOPS="$loop"
# configured in lower case, labelled in upper case
if [ "$VFAT_LABEL" = CIDATA ]; then run_local cidata; else run_local cbtestvfat; fi
if ! grep -qw vfat /proc/filesystems; then
	expect_output_has "Cannot mount $loop (vfat) read-only"
	skip "ISO passed; found $loop by label $VFAT_LABEL, but this kernel cannot mount vfat"
fi
expect_file /var/lib/cloud/data/instance-id iid-from-vfat
expect_output_has "Found DataSourceNoCloud [seed=$loop]"
! grep -q cloudboot-seed /proc/self/mounts || fail "a seed mount was left behind"
pass "cidata ISO and CIDATA vfat found by label ($ISO_LABEL, $VFAT_LABEL)"
