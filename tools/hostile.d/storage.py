# SPDX-License-Identifier: Apache-2.0
# Hostile cases for the storage modules (mounts, swap).
case("mounts-opts-newline", "a mount option with a newline: no second fstab line",
     CC + "mounts:\n  - [/dev/vdb, /data, ext4, \"defaults\\n/dev/sda / ext4 rw,hostile-injected 0 0\"]\n"
     "  - [/dev/vdc, /ok]\n" + SIB,
     expect=["user-data:3:5: mounts: field 4"], lacks=[("/etc/fstab", "hostile-injected")],
     files=[SIB_FILE])
case("mounts-field-spaces", "a mount type with a space: the entry is refused, not a seventh field",
     CC + "mounts:\n  - [/dev/vdb, /data, ext4 rw hostile-injected]\n" + SIB,
     expect=["user-data:3:5: mounts: field 3"], lacks=[("/etc/fstab", "hostile-injected")],
     files=[SIB_FILE])
case("mounts-device-newline", "a device with a newline: refused",
     CC + "mounts:\n  - [\"/dev/vdb\\n/dev/sda\", /hostile-injected]\n" + SIB,
     expect=["user-data:3:5: mounts: the device holds a control character"],
     absent=["/hostile-injected"], files=[SIB_FILE])
case("mounts-many", "ten thousand mount entries: the first 128 only",
     CC + "mounts:\n" + "".join("  - [/dev/vd%d, /m%d]\n" % (i, i) for i in range(10000)) + SIB,
     expect=["mounts: more than 128 entries"], absent=["/m200"], files=[SIB_FILE])
case("mounts-wrong-types", "mounts, swap and mount_default_fields of the wrong types",
     CC + "mounts: {a: 1}\nswap: [1]\nmount_default_fields: x\n" + SIB,
     expect_re=["user-data:2:9: mounts: expected list", "user-data:3:7: swap: expected mapping"],
     files=[SIB_FILE])
case("mounts-mountpoint-climbs", "a mount point that climbs out of the root: made inside it",
     CC + "mounts:\n  - [/dev/vdb, /../../../hostile-escape]\n" + SIB, files=[SIB_FILE])
case("swap-huge", "a swap file larger than the disk: refused before anything is allocated",
     CC + "swap: {filename: /swap.img, size: 900T}\n" + SIB, setup=["mkdir -p sbin && ln -sf /bin/true sbin/mkswap"],
     expect=["does not fit"], absent=["/swap.img"], files=[SIB_FILE])
case("swap-relative", "a swap file name that is not an absolute path",
     CC + "swap: {filename: \"swap\\nfile\", size: 1M}\n" + SIB,
     expect=["user-data:2:18: swap.filename"], files=[SIB_FILE])
case("growpart-wrong-types", "growpart with wrongly typed and unknown keys",
     CC + "growpart: {mode: sideways, devices: /, extra: 1}\nresize_rootfs: maybe\n" + SIB,
     expect_re=["user-data:2:18: growpart.mode: 'sideways' is not one of the allowed values",
                "user-data:3:16: resize_rootfs"], files=[SIB_FILE])
case("growpart-devices-hostile", "growpart devices that climb out, do not exist or are huge lists",
     CC + "growpart:\n  devices: [/../../../etc, /nonexistent, \"/dev/\\x01\"]\n" + SIB,
     expect=["growpart: '/nonexistent' could not be found"], files=[SIB_FILE])
case("growpart-many-devices", "a thousand growpart devices: sixteen looked at",
     CC + "growpart:\n  devices: [" + ", ".join("/d%d" % i for i in range(1000)) + "]\n" + SIB,
     expect=["growpart: more than 16 devices"], files=[SIB_FILE])
# disk_setup and fs_setup: every device is checked before it is touched, and
# under --root (as here) only loop devices would be; none of these reaches a disk.
case("disk-setup-device-outside-dev", "disk_setup on a file outside /dev: refused",
     CC + "disk_setup:\n  /etc/passwd: {layout: true, overwrite: true}\n" + SIB,
     expect=["user-data:3:3: disk_setup: '/etc/passwd' is not a device of this machine"],
     files=[SIB_FILE])
case("disk-setup-device-climbs", "disk_setup on a /dev path that climbs out of /dev: refused",
     CC + "disk_setup:\n  /dev/../etc/shadow: {layout: true, overwrite: true}\n" + SIB,
     expect=["user-data:3:3: disk_setup: /dev/../etc/shadow is not a device under /dev"],
     files=[SIB_FILE])
case("disk-setup-layout-over-100", "partitions that add up to more than the disk: refused",
     CC + "disk_setup:\n  /dev/vdz: {layout: [60, [50, 82]]}\n" + SIB,
     expect=["user-data:3:22: disk_setup: the layout adds up to 110% of the disk, more than 100%"],
     files=[SIB_FILE])
case("disk-setup-bad-sizes", "negative, zero, huge and textual partition sizes: refused",
     CC + "disk_setup:\n  a: {layout: [-5]}\n  b: {layout: [0]}\n  c: {layout: [99999999999999999999]}\n"
     "  d: {layout: [abc]}\n  e: {layout: [[10, 82, 1]]}\n  f: {layout: sideways}\n" + SIB,
     expect=["user-data:3:16: disk_setup: a partition size is a percentage of the disk, 1 to 100",
             "user-data:4:16: disk_setup: a partition size is a percentage",
             "user-data:6:16: disk_setup: a partition size is a percentage",
             "user-data:7:16: disk_setup: a partition is a size or [size, type]",
             "user-data:8:15: disk_setup: layout must be true, false, remove or a list of sizes"],
     files=[SIB_FILE])
case("disk-setup-bad-types", "partition types with newlines, unknown codes, wrong table types",
     CC + "disk_setup:\n  /dev/vdz: {table_type: gpt, layout: [[50, \"8300\\nx\"], [50, 7]]}\n"
     "  /dev/vdy: {table_type: sun, layout: true}\n  /dev/vdx: {overwrite: maybe, layout: true}\n" + SIB,
     expect=["disk_setup: '8300\nx' is not a GPT",
             "disk_setup./dev/vdy.table_type: must be mbr or gpt",
             "disk_setup./dev/vdx.overwrite: must be true or false"],
     files=[SIB_FILE])
case("disk-setup-many", "a thousand disks: sixteen looked at",
     CC + "disk_setup:\n" + "".join("  /dev/vd%d: {layout: true}\n" % i for i in range(1000)) + SIB,
     expect=["disk_setup: more than 16 disks"], files=[SIB_FILE])
case("disk-setup-wrong-types", "disk_setup, fs_setup and device_aliases of the wrong types",
     CC + "disk_setup: [1]\nfs_setup: {a: 1}\ndevice_aliases: x\n" + SIB,
     expect_re=["user-data:2:13: disk_setup: expected mapping", "user-data:3:11: fs_setup: expected list"],
     files=[SIB_FILE])
case("fs-setup-label-newline", "a filesystem label with a newline: refused",
     CC + "fs_setup:\n  - {label: \"data\\nhostile-injected\", filesystem: ext4, device: /dev/vdz}\n" + SIB,
     expect=["user-data:3:5: fs_setup: label: contains a line break; entry skipped"],
     files=[SIB_FILE])
case("fs-setup-device-outside-dev", "fs_setup devices outside /dev, or not block devices",
     CC + "fs_setup:\n  - {filesystem: ext4, device: /etc/passwd}\n"
     "  - {filesystem: ext4, device: /dev/null, partition: none}\n"
     "  - {filesystem: ext4, device: /dev/../etc/shadow}\n" + SIB,
     expect=["user-data:3:5: fs_setup: device '/etc/passwd' is not a device of this machine",
             "user-data:4:5: fs_setup: /dev/null is not a block device",
             "user-data:5:5: fs_setup: /dev/../etc/shadow is not a device under /dev"],
     files=[SIB_FILE])
case("fs-setup-filesystem-path", "a filesystem type that is a path: no mkfs.<path> is run",
     CC + "fs_setup:\n  - {filesystem: ../../../tmp/hostile-injected, device: /dev/vdz}\n"
     "  - {filesystem: \"ext4 -O x\", device: /dev/vdz}\n" + SIB,
     expect=["fs_setup: filesystem '../../../tmp/hostile-injected' is not a filesystem type",
             "fs_setup: filesystem 'ext4 -O x' is not a filesystem type"],
     files=[SIB_FILE])
case("fs-setup-many", "ten thousand fs_setup entries: the first 32 only",
     CC + "fs_setup:\n" + "".join("  - {filesystem: ext4, device: /dev/vd%d}\n" % i for i in range(10000)) + SIB,
     expect=["fs_setup: more than 32 entries"], files=[SIB_FILE])
case("fs-setup-bad-partition", "partition values that are neither any, auto, none nor a number",
     CC + "fs_setup:\n  - {filesystem: ext4, device: /dev/vdz, partition: \"1; reboot\"}\n"
     "  - {filesystem: ext4, device: /dev/vdz, partition: -1}\n" + SIB,
     expect=["user-data:3:53: fs_setup: partition must be any, auto, none or a number",
             "user-data:4:53: fs_setup: partition must be any, auto, none or a number"],
     files=[SIB_FILE])
