/* SPDX-License-Identifier: Apache-2.0 */
/* resizefs (init stage, every boot): cloud-init's cc_resizefs. The root
 * filesystem grows to the size of its device: resize2fs for ext2/3/4,
 * xfs_growfs for XFS, `btrfs filesystem resize max` for btrfs, by argv;
 * `resize_rootfs: noblock` starts the tool and does not wait for it.
 *
 * An ext filesystem that already fills its device is left alone without a
 * fork: its superblock says how big it is. Under --root only a filesystem
 * on a loop device (an image file) is resized, with the machine's own tool:
 * the device is the machine's, not a file of the target. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "disk.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "scripts.h"

#define EXT_MAGIC 0xEF53
#define XFS_MAGIC 0x58465342
#define BTRFS_MAGIC 0x9123683E

static const char *const noblock[] = { "noblock", NULL };
static const struct schema s_resize = { .types = T_BOOL | T_STR, .enums = noblock };
static const struct schema_prop schema_keys[] = { { "resize_rootfs", &s_resize, false },
                                                  { NULL, NULL, false } };

/* Bytes an ext2/3/4 filesystem spans, from its superblock (at 1024 bytes). */
static int ext_bytes(const char *dev, uint64_t *ret)
{
        unsigned char sb[1024];
        uint64_t blocks;
        uint32_t log_bs, incompat;
        int fd = open(dev, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = pread(fd, sb, sizeof(sb), 1024);
        (void)close(fd);
        if (n != (ssize_t)sizeof(sb) || (sb[0x38] | sb[0x39] << 8) != EXT_MAGIC)
                return -EBADMSG;
        blocks = (uint64_t)sb[4] | (uint64_t)sb[5] << 8 | (uint64_t)sb[6] << 16 |
                 (uint64_t)sb[7] << 24;
        incompat = (uint32_t)sb[0x60] | (uint32_t)sb[0x61] << 8 | (uint32_t)sb[0x62] << 16 |
                   (uint32_t)sb[0x63] << 24;
        if (incompat & 0x80) /* 64bit: the high half of the block count */
                blocks |= ((uint64_t)sb[0x150] | (uint64_t)sb[0x151] << 8 |
                           (uint64_t)sb[0x152] << 16 | (uint64_t)sb[0x153] << 24)
                          << 32;
        log_bs = (uint32_t)sb[0x18] | (uint32_t)sb[0x19] << 8;
        if (log_bs > 6)
                return -EBADMSG;
        *ret = blocks << (10 + log_bs);
        return 0;
}

/* Start the tool and return at once (noblock): it goes on in its own session. */
static int spawn_detached(char *const argv[])
{
        pid_t pid = fork();

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                (void)setsid();
                if (null >= 0) {
                        (void)dup2(null, STDIN_FILENO);
                        (void)dup2(null, STDOUT_FILENO);
                        (void)dup2(null, STDERR_FILENO);
                }
                execvp(argv[0], argv);
                _exit(127);
        }
        return 0;
}

static int resizefs_run(const struct module_ctx *ctx)
{
        const struct node *v = node_get(ctx->cfg, "resize_rootfs");
        bool nowait = v && v->type == NODE_STR && streq(v->str, "noblock");
        const char *mnt = ctx->root_is_host ? "/" : ctx->root, *type;
        char dev[96], *argv[6] = { NULL };
        struct disk_part p;
        struct statfs sfs;
        struct stat st;
        uint64_t have = 0;
        struct exec_opts o;
        int r;

        if (v && v->type == NODE_BOOL && !v->b) {
                log_debug("resizefs: resize_rootfs is false");
                return 0;
        }
        if (fstat(ctx->root_fd, &st) < 0 || fstatfs(ctx->root_fd, &sfs) < 0)
                return log_warning_errno(-errno, "resizefs: cannot inspect the root: %m");
        r = disk_part_of(st.st_dev, &p);
        if (r < 0) {
                log_info("resizefs: the root filesystem is on no block device; skipped");
                return 0;
        }
        (void)snprintf(dev, sizeof(dev), "/dev/%s", p.name);
        if (!ctx->root_is_host && !p.is_loop) {
                log_info("resizefs: the target is on %s, a disk of this machine, not an image's "
                         "loop device: left alone under --root",
                         dev);
                return 0;
        }
        switch ((unsigned long)sfs.f_type) {
        case EXT_MAGIC:
                type = "ext4";
                if (ext_bytes(dev, &have) >= 0 && have + 1024 * 1024 > p.size * 512) {
                        log_debug("resizefs: %s already fills %s", mnt, dev);
                        return 0;
                }
                argv[0] = (char *)"resize2fs";
                argv[1] = dev;
                break;
        case XFS_MAGIC:
                type = "xfs";
                argv[0] = (char *)"xfs_growfs";
                argv[1] = (char *)mnt;
                break;
        case BTRFS_MAGIC:
                type = "btrfs";
                argv[0] = (char *)"btrfs";
                argv[1] = (char *)"filesystem";
                argv[2] = (char *)"resize";
                argv[3] = (char *)"max";
                argv[4] = (char *)mnt;
                break;
        default:
                log_warning("resizefs: the root filesystem (type 0x%lx on %s) is not one cloudboot "
                            "can resize (ext2/3/4, xfs, btrfs); skipped",
                            (unsigned long)sfs.f_type, dev);
                return 0;
        }
        if (nowait) {
                r = spawn_detached(argv);
                if (r < 0)
                        return log_warning_errno(r, "resizefs: cannot start %s: %m", argv[0]);
                log_info("Resizing (via forking) root filesystem (type=%s, val=noblock)", type);
                return 0;
        }
        /* on the host, the target is the host; under --root the machine's tool
         * works on the image's loop device */
        exec_opts_target(ctx, &o);
        o.chroot_dir = NULL;
        r = exec_ok(&o, argv);
        if (r == -EPROTO)
                return log_warning_errno(r,
                                         "resizefs: %s %s exited with an error (its output is "
                                         "in the output log)",
                                         argv[0], argv[1]);
        if (r < 0)
                return log_warning_errno(r, "resizefs: cannot run %s: %m", argv[0]);
        log_info("Resized root filesystem (type=%s, val=true)", type);
        return 0;
}

const struct module mod_resizefs = {
        .name = "resizefs",
        .freq = FREQ_ALWAYS,
        .keys = schema_keys,
        .run = resizefs_run,
};
