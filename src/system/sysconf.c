/* SPDX-License-Identifier: Apache-2.0 */
/* Shared checks and actions of the system-settings modules (see sysconf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fs.h"
#include "log.h"
#include "schema.h"
#include "sysconf.h"

bool sysconf_line_ok(const char *s)
{
        for (; *s; s++)
                if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
                        return false;
        return true;
}

bool sysconf_text_ok(const char *s)
{
        for (; *s; s++)
                if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') || *s == 0x7f)
                        return false;
        return true;
}

bool sysconf_word_ok(const char *s, const char *extra, size_t max)
{
        size_t n = 0;
        for (; s[n]; n++)
                if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
                      (s[n] >= '0' && s[n] <= '9') || (extra && strchr(extra, s[n]))))
                        return false;
        return n > 0 && n <= max;
}

void sysconf_refuse(const struct node *at, const char *key, const char *why)
{
        char pos[512];
        schema_pos(at, pos, sizeof(pos));
        log_error("%s: %s: %s", pos, key, why);
}

int sysconf_os_release(int root_fd, const char *key, char **ret)
{
        static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
        _cleanup_free_ char *data = NULL;
        size_t klen = strlen(key);

        for (size_t i = 0; i < ELEMENTSOF(paths) && !data; i++)
                if (fs_read_file(root_fd, paths[i], 65536, &data, NULL) < 0)
                        data = NULL;
        if (!data)
                return -ENOENT;
        for (char *line = data; line && *line;) {
                char *eol = strchr(line, '\n'), *v;
                size_t n;
                if (eol)
                        *eol = '\0';
                if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
                        v = line + klen + 1;
                        if (*v == '"' || *v == '\'')
                                v++;
                        n = strcspn(v, "\"'");
                        *ret = strndup(v, n);
                        return *ret ? 0 : -ENOMEM;
                }
                line = eol ? eol + 1 : NULL;
        }
        return -ENOENT;
}

int sysconf_run(const struct sysconf_target *t, const char *const *argv, const char *const *env,
                const void *input, size_t input_len, unsigned timeout_sec, int *ret_status)
{
        struct exec_opts o = { .chroot_dir = t->is_host ? NULL : t->chroot,
                               .env = (char *const *)env,
                               .timeout_sec = timeout_sec,
                               .input = input,
                               .input_len = input_len };
        int status = 0, r;

        r = exec_argv(&o, (char *const *)argv, &status);
        if (ret_status)
                *ret_status = status;
        if (r < 0)
                return r;
        return status == 0 ? 0 : -EPROTO;
}

int sysconf_service(const struct sysconf_target *t, int root_fd, const char *unit,
                    const char *action)
{
        int r;

        if (t->is_host) {
                const char *en[] = { "systemctl", "enable", unit, NULL };
                const char *act[] = { "systemctl", action, unit, NULL };
                if (!exec_have("systemctl")) {
                        log_info("No systemctl: %s not enabled or %sed", unit,
                                 action ? action : "start");
                        return 0;
                }
                r = sysconf_run(t, en, NULL, NULL, 0, 120, NULL);
                if (r < 0)
                        return log_warning_errno(r, "systemctl enable %s failed", unit);
                if (action) {
                        r = sysconf_run(t, act, NULL, NULL, 0, 300, NULL);
                        if (r < 0)
                                return log_warning_errno(r, "systemctl %s %s failed", action, unit);
                }
                log_info("Enabled%s%s %s", action ? " and ran " : "", action ? action : "", unit);
                return 0;
        }
        /* another system's tree: enable inside it (systemctl works offline in a
         * chroot), never touch this machine's services */
        if (!fs_exists(root_fd, "/usr/bin/systemctl") && !fs_exists(root_fd, "/bin/systemctl")) {
                log_info("The target has no systemctl: %s not enabled", unit);
                return 0;
        }
        {
                const char *argv[] = { "systemctl", "enable", unit, NULL };
                r = sysconf_run(t, argv, NULL, NULL, 0, 120, NULL);
        }
        if (r < 0)
                return log_warning_errno(r, "systemctl enable %s in the target failed", unit);
        log_info("Enabled %s in the target%s", unit,
                 action ? "; not restarted: the target is not this machine" : "");
        return 0;
}
