/* SPDX-License-Identifier: Apache-2.0 */
/* machine_id (init-local, per instance): cloudboot's own module; cloud-init
 * leaves /etc/machine-id alone (LP #2003121), so clones of one disk share it
 * and with it their DHCP identity. For a new instance this writes a fresh ID
 * when /etc/machine-id is missing, empty, "uninitialized" or malformed, or
 * when it is the very ID the previous instance recorded (the disk was cloned
 * from a provisioned machine). /var/lib/dbus/machine-id becomes a link to it. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "fs.h"
#include "log.h"
#include "module.h"
#include "state.h"

#define MACHINE_ID "/etc/machine-id"
#define DBUS_MACHINE_ID "/var/lib/dbus/machine-id"
#define RECORDED_ID CLOUD_DIR "/data/machine-id"

static bool id_valid(const char *s)
{
        if (strlen(s) != 32)
                return false;
        for (; *s; s++)
                if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
                        return false;
        return true;
}

/* 128 random bits as 32 lowercase hex digits, marked as a version 4 UUID as
 * systemd's sd_id128_randomize() marks machine IDs. */
static int random_id(char id[static 33])
{
        static const char hex[] = "0123456789abcdef";
        uint8_t b[16];
        size_t got = 0;

        while (got < sizeof(b)) {
                ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                got += (size_t)n;
        }
        b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
        b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
        for (size_t i = 0; i < sizeof(b); i++) {
                id[2 * i] = hex[b[i] >> 4];
                id[2 * i + 1] = hex[b[i] & 15];
        }
        id[32] = 0;
        return 0;
}

static int machine_id_run(const struct module_ctx *ctx)
{
        _cleanup_free_ char *cur = NULL, *recorded = NULL;
        char id[33], line[64], path[512];
        const char *why = NULL;
        int r;

        r = fs_read_line(ctx->root_fd, MACHINE_ID, &cur);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Cannot read %s: %m", MACHINE_ID);
        (void)fs_read_line(ctx->root_fd, RECORDED_ID, &recorded);
        if (!cur)
                why = "missing";
        else if (!*cur)
                why = "empty";
        else if (streq(cur, "uninitialized"))
                why = "uninitialized";
        else if (!id_valid(cur))
                why = "not 32 lowercase hex digits";
        else if (recorded && streq(recorded, cur))
                why = "the ID of the previous instance (a cloned disk)";

        if (why) {
                r = random_id(id);
                if (r < 0)
                        return log_error_errno(r, "Cannot make a machine ID: %m");
                (void)snprintf(line, sizeof(line), "%s\n", id);
                /* In place when it is a mount point (systemd's transient ID at
                 * first boot); systemd-machine-id-commit then keeps this one. */
                r = fs_write_atomic(ctx->root_fd, MACHINE_ID, line, 33, 0444, FS_NO_OWNER,
                                    (gid_t)-1);
                if (r < 0)
                        return log_error_errno(r, "Cannot write %s: %m", MACHINE_ID);
                log_info("New machine ID written: %s was %s", MACHINE_ID, why);
        } else {
                (void)snprintf(id, sizeof(id), "%s", cur);
                (void)snprintf(line, sizeof(line), "%s\n", id);
                log_debug("%s is valid and new to this instance; kept", MACHINE_ID);
        }

        /* D-Bus reads its own copy: make it the same file. */
        r = fs_symlink_atomic(ctx->root_fd, MACHINE_ID, DBUS_MACHINE_ID);
        if (r < 0)
                return log_error_errno(r, "Cannot link %s to %s: %m", DBUS_MACHINE_ID, MACHINE_ID);

        /* Recorded with the instance, so the next instance can tell a clone. */
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/machine-id", ctx->iid);
        r = fs_write_atomic(ctx->root_fd, path, line, 33, 0444, FS_NO_OWNER, (gid_t)-1);
        if (r >= 0)
                r = fs_write_atomic(ctx->root_fd, RECORDED_ID, line, 33, 0444, FS_NO_OWNER,
                                    (gid_t)-1);
        if (r < 0)
                return log_error_errno(r, "Cannot record the machine ID: %m");
        return 0;
}

const struct module mod_machine_id = {
        .name = "machine_id",
        .freq = FREQ_INSTANCE,
        .run = machine_id_run,
};
