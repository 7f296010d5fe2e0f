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
