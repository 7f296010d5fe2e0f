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
                /* this machine: the action itself (cloud-init's manage_service), or
                 * an enable when there is none */
                const char *argv[] = { "systemctl", action ? action : "enable", unit, NULL };
                if (!exec_have("systemctl")) {
                        log_info("No systemctl: %s left as it is", unit);
                        return 0;
                }
                r = sysconf_run(t, argv, NULL, NULL, 0, 300, NULL);
                if (r < 0)
                        return log_warning_errno(r, "systemctl %s %s failed", argv[1], unit);
                log_info("Ran systemctl %s %s", argv[1], unit);
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

bool sysconf_have(int root_fd, const char *name)
{
        static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                            "/usr/bin",        "/sbin",          "/bin" };
        char path[512];
        if (!*name || strlen(name) > 256)
                return false;
        if (name[0] == '/')
                return fs_exists(root_fd, name);
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                (void)snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
                if (fs_exists(root_fd, path))
                        return true;
        }
        return false;
}

int sysconf_install(const struct sysconf_target *t, int root_fd, const char *const *pkgs, size_t n)
{
        static const char *const apt_env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
        static const struct {
                const char *binary;
                const char *const *env;
                const char *update[4];
                const char *install[8];
        } pms[] = {
                { "/usr/bin/apt-get",
                  apt_env,
                  { "apt-get", "--assume-yes", "update", NULL },
                  { "apt-get", "--option=Dpkg::Options::=--force-confold",
                    "--option=Dpkg::options::=--force-unsafe-io", "--assume-yes", "--quiet",
                    "install", NULL } },
                { "/usr/bin/dnf",
                  NULL,
                  { "dnf", "-y", "makecache", NULL },
                  { "dnf", "-y", "install", NULL } },
                { "/usr/bin/yum",
                  NULL,
                  { "yum", "-y", "makecache", NULL },
                  { "yum", "-y", "install", NULL } },
                { "/usr/bin/zypper",
                  NULL,
                  { "zypper", "--non-interactive", "refresh", NULL },
                  { "zypper", "--non-interactive", "install", NULL } },
                { "/sbin/apk", NULL, { "apk", "update", NULL }, { "apk", "add", NULL } },
        };
        const char *argv[64];
        size_t k = 0;
        int r;

        if (n == 0)
                return 0;
        if (n > 32)
                return -E2BIG;
        for (size_t i = 0; i < ELEMENTSOF(pms); i++) {
                if (!fs_exists(root_fd, pms[i].binary))
                        continue;
                r = sysconf_run(t, pms[i].update, pms[i].env, NULL, 0, 1800, NULL);
                if (r < 0)
                        log_warning_errno(r, "%s failed; installing anyway", pms[i].update[0]);
                for (const char *const *a = pms[i].install; *a; a++)
                        argv[k++] = *a;
                for (size_t j = 0; j < n; j++)
                        argv[k++] = pkgs[j];
                argv[k] = NULL;
                r = sysconf_run(t, argv, pms[i].env, NULL, 0, 3600, NULL);
                if (r < 0)
                        return log_error_errno(r, "Installing %s with %s failed", pkgs[0], argv[0]);
                log_info("Installed %s%s with %s", pkgs[0], n > 1 ? " and more" : "", argv[0]);
                return 0;
        }
        return log_error_errno(-ENOENT, "No package manager in the target to install %s", pkgs[0]);
}
