/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot clean`: remove instance state (keeping seed/ unless asked) so the
 * next boot is a first boot; --machine-id makes the image a template. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exec.h"
#include "fs.h"
#include "state.h"

int cmd_clean(const char *root, const struct clean_opts *o)
{
        bool logs = o->logs, seed = o->seed, machine_id = o->machine_id;
        _cleanup_close_ int root_fd = fs_open_root(root);
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd, r, ret = 0;

        if (root_fd < 0) {
                fprintf(stderr, "cloudboot clean: cannot open %s: %s\n", root, strerror(-root_fd));
                return 1;
        }
        fd = fs_open_in_root(root_fd, CLOUD_DIR, O_RDONLY | O_DIRECTORY, 0);
        if (fd >= 0) {
                d = fdopendir(fd);
                if (!d) {
                        (void)close(fd);
                        return 1;
                }
                while ((de = readdir(d))) {
                        char path[512];
                        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                                continue;
                        if (streq(de->d_name, "seed") && !seed)
                                continue;
                        (void)snprintf(path, sizeof(path), CLOUD_DIR "/%s", de->d_name);
                        r = fs_rm_rf(root_fd, path, false);
                        if (r < 0) {
                                fprintf(stderr, "cloudboot clean: cannot remove %s: %s\n", path,
                                        strerror(-r));
                                ret = 1;
                        }
                }
        }
        (void)fs_rm_rf(root_fd, RUN_DIR, true);
        if (logs) {
                (void)fs_unlink(root_fd, "/var/log/cloud-init.log");
                (void)fs_unlink(root_fd, "/var/log/cloud-init-output.log");
        }
        if (machine_id) {
                /* systemd generates a fresh ID on the next boot for "uninitialized". */
                r = fs_write_atomic(root_fd, "/etc/machine-id", "uninitialized\n", 14, 0444,
                                    FS_NO_OWNER, (gid_t)-1);
                if (r < 0) {
                        fprintf(stderr, "cloudboot clean: cannot write /etc/machine-id: %s\n",
                                strerror(-r));
                        ret = 1;
                }
        }
        if (o->reboot && ret == 0) {
                if (!streq(root, "/")) {
                        fprintf(stderr, "cloudboot clean: --reboot is for the running system, "
                                        "not a target root\n");
                        return 1;
                }
                char *argv[] = { "systemctl", "reboot", NULL };
                if (exec_ok(&(struct exec_opts){ .timeout_sec = 60 }, argv) < 0) {
                        fprintf(stderr, "cloudboot clean: systemctl reboot failed\n");
                        return 1;
                }
        }
        return ret;
}
