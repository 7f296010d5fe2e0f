/* SPDX-License-Identifier: Apache-2.0 */
/* systemd's notification and native journal protocols (see sdproto.h). */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "macro.h"
#include "sdproto.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
/* Larger entries would need a memfd; log lines are far below this. */
#define JOURNAL_ENTRY_MAX (64u * 1024)

static int send_to(const char *path, const void *data, size_t len)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t plen = strlen(path);
        socklen_t salen;
        _cleanup_close_ int fd = -1;

        if (plen == 0 || plen >= sizeof(sa.sun_path))
                return -EINVAL;
        memcpy(sa.sun_path, path, plen);
        /* "@name": an abstract socket, its first byte NUL */
        if (path[0] == '@')
                sa.sun_path[0] = 0;
        salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + (path[0] == '@' ? 0 : 1));
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (sendto(fd, data, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
                return -errno;
        return 0;
}

void sd_proto_notify(const char *state)
{
        const char *path = getenv("NOTIFY_SOCKET");

        if (path && *path)
                (void)send_to(path, state, strlen(state));
}

void sd_proto_status(const char *fmt, ...)
{
        char state[512] = "STATUS=";
        va_list ap;

        if (!getenv("NOTIFY_SOCKET"))
                return;
        va_start(ap, fmt);
        (void)vsnprintf(state + 7, sizeof(state) - 7, fmt, ap);
        va_end(ap);
        sd_proto_notify(state);
}

int sd_proto_journal(const struct journal_field *f, size_t n)
{
        return sd_proto_journal_at(JOURNAL_SOCKET, f, n);
}

int sd_proto_journal_at(const char *socket_path, const struct journal_field *f, size_t n)
{
        struct buf b = BUF_INIT(JOURNAL_ENTRY_MAX);
        int r;

        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(f[i].value);

                if (!memchr(f[i].value, '\n', len)) {
                        buf_printf(&b, "%s=", f[i].name);
                        buf_append(&b, f[i].value, len);
                } else {
                        /* a value with newlines: NAME, newline, its length
                         * as 64-bit little endian, then the bytes */
                        uint64_t le = htole64((uint64_t)len);

                        buf_printf(&b, "%s\n", f[i].name);
                        buf_append(&b, &le, sizeof(le));
                        buf_append(&b, f[i].value, len);
                }
                buf_putc(&b, '\n');
        }
        r = buf_error(&b);
        if (r >= 0)
                r = send_to(socket_path, b.data, b.len);
        buf_free(&b);
        return r;
}
