/* SPDX-License-Identifier: Apache-2.0 */
/* The target's console (see console.h). */
#include <fcntl.h>
#include <unistd.h>

#include "console.h"
#include "fs.h"
#include "macro.h"

int console_write(int root_fd, const char *text, size_t len)
{
        _cleanup_close_ int fd =
                fs_open_in_root(root_fd, "/dev/console", O_WRONLY | O_NOCTTY | O_APPEND, 0);

        if (fd < 0)
                return fd;
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
