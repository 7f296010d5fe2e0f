/* SPDX-License-Identifier: Apache-2.0 */
/* timezone (config stage, per instance): cloud-init's cc_timezone. The zone
 * must exist in the target's zoneinfo; then /etc/localtime becomes a
 * symlink to /usr/share/zoneinfo/ZONE (absolute, as cloud-init makes it)
 * and, on Debian-style systems, /etc/timezone names it. An unknown zone
 * changes nothing. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"
#include "log.h"
#include "module.h"

static const struct schema s_str = { .types = T_STR };
static const struct schema_prop schema_keys[] = { { "timezone", &s_str, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "timezone", NULL };

/* Zone names are paths below zoneinfo: no "..", no absolute path, nothing odd. */
static bool zone_name_ok(const char *z)
{
        if (!*z || *z == '/' || strlen(z) > 128 || strstr(z, ".."))
                return false;
        for (; *z; z++)
                if (!((*z >= 'A' && *z <= 'Z') || (*z >= 'a' && *z <= 'z') ||
                      (*z >= '0' && *z <= '9') || strchr("/_+-", *z)))
                        return false;
        return true;
}

static int timezone_run(const struct module_ctx *ctx)
{
        const char *tz = node_get_str(ctx->cfg, "timezone");
        char zonefile[256], link[256], line[160];
        struct stat st;
        int fd, r;

        if (!tz)
                return 0;
        if (!zone_name_ok(tz))
                return log_error_errno(-EINVAL, "Invalid timezone '%.64s': not a zone name", tz);
        (void)snprintf(zonefile, sizeof(zonefile), "/usr/share/zoneinfo/%s", tz);
        fd = fs_open_in_root(ctx->root_fd, zonefile, O_RDONLY, 0);
        if (fd >= 0) {
                r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EISDIR;
                (void)close(fd);
        } else
                r = fd;
        if (r < 0)
                return log_error_errno(-ENOENT,
                                       "Unknown timezone '%s': %s does not exist in the "
                                       "target; nothing changed",
                                       tz, zonefile);
        /* Debian and its derivatives keep the name in /etc/timezone too. */
        if (fs_exists(ctx->root_fd, "/etc/debian_version") ||
            fs_exists(ctx->root_fd, "/etc/timezone")) {
                (void)snprintf(line, sizeof(line), "%s\n", tz);
                r = fs_write_atomic(ctx->root_fd, "/etc/timezone", line, strlen(line), 0644,
                                    FS_NO_OWNER, (gid_t)-1);
                if (r < 0)
                        return log_error_errno(r, "Cannot write /etc/timezone: %m");
        }
        /* absolute, as cloud-init and Debian's tzdata make it */
        (void)snprintf(link, sizeof(link), "/usr/share/zoneinfo/%s", tz);
        r = fs_symlink_atomic(ctx->root_fd, link, "/etc/localtime");
        if (r < 0)
                return log_error_errno(r, "Cannot link /etc/localtime: %m");
        log_info("Timezone set to %s", tz);
        return 0;
}

const struct module mod_timezone = {
        .name = "timezone",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = timezone_run,
};
