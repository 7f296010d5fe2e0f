/* SPDX-License-Identifier: Apache-2.0 */
/* The operator's console (see console.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "fs.h"
#include "macro.h"

/* systemd's JOURNAL_STREAM names stderr's device and inode when stderr is the
 * journal: a log, not a console. */
static bool stderr_is_journal(void)
{
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        return e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
               (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static int write_all(int fd, const char *text, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, text, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                text += n;
                len -= (size_t)n;
        }
        return 0;
}

int console_write(int root_fd, bool root_is_host, const char *text, size_t len)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        if (!root_is_host) {
                /* under --root the target's dev/console is a file of the
                 * image: the caller's terminal is the console */
                if (stderr_is_journal() || fstat(STDERR_FILENO, &st) < 0)
                        return -ENXIO;
                return write_all(STDERR_FILENO, text, len);
        }
        fd = fs_open_in_root(root_fd, "/dev/console", O_WRONLY | O_NOCTTY | O_APPEND, 0);
        if (fd < 0)
                return fd;
        return write_all(fd, text, len);
}
