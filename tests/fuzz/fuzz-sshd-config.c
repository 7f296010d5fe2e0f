/* SPDX-License-Identifier: Apache-2.0 */
/* sshd_config as cloudboot reads it: keywords outside Match blocks, Include
 * of files and globs (resolved inside the target root), and whether the
 * global section includes sshd_config.d. The input is the target's
 * /etc/ssh/sshd_config in a temporary root made once per process; a second
 * file in sshd_config.d holds the input too, so Include reaches it. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "fuzz.h"
#include "sshd_config.h"

static int root_fd = -1;
static char root[] = "/tmp/fuzz-sshd-config.XXXXXX";

static void remove_root(void)
{
        (void)unlinkat(root_fd, "etc/ssh/sshd_config.d/50-fuzz.conf", 0);
        (void)unlinkat(root_fd, "etc/ssh/sshd_config", 0);
        (void)unlinkat(root_fd, "etc/ssh/sshd_config.d", AT_REMOVEDIR);
        (void)unlinkat(root_fd, "etc/ssh", AT_REMOVEDIR);
        (void)unlinkat(root_fd, "etc", AT_REMOVEDIR);
        (void)rmdir(root);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
        int fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                abort();
        for (size_t off = 0; off < size;) {
                ssize_t n = write(fd, data + off, size - off);
                if (n <= 0)
                        abort();
                off += (size_t)n;
        }
        close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *value = NULL;

        fuzz_quiet();
        if (root_fd < 0) {
                if (!mkdtemp(root))
                        abort();
                root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root_fd < 0 || mkdirat(root_fd, "etc", 0755) < 0 ||
                    mkdirat(root_fd, "etc/ssh", 0755) < 0 ||
                    mkdirat(root_fd, "etc/ssh/sshd_config.d", 0755) < 0)
                        abort();
                (void)atexit(remove_root);
        }
        put("etc/ssh/sshd_config", data, size);
        put("etc/ssh/sshd_config.d/50-fuzz.conf", data, size);
        if (sshd_config_get(root_fd, "AuthorizedKeysFile", &value) == 0)
                free(value);
        (void)sshd_config_includes_dir(root_fd, "/etc/ssh/sshd_config.d");
        return 0;
}
