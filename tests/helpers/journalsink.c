/* SPDX-License-Identifier: Apache-2.0 */
/* journalsink: stands in for journald's native socket in tests, so that what
 * cloudboot sends to the journal can be read back and searched.
 *
 *   journalsink SOCKET OUTFILE
 *
 * Binds a datagram socket at SOCKET, prints "ready" once it does, and appends
 * every datagram to OUTFILE, followed by a line "--". A message too large for
 * a datagram comes as a memfd (SCM_RIGHTS), as sd_journal_send() does it; its
 * contents are appended the same way. Runs until killed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void append(int out, const char *p, size_t n)
{
        while (n > 0) {
                ssize_t k = write(out, p, n);
                if (k <= 0)
                        return;
                p += k;
                n -= (size_t)k;
        }
}

int main(int argc, char **argv)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        static char data[1 << 20];
        int s, out;

        if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
                fprintf(stderr, "usage: journalsink SOCKET OUTFILE\n");
                return 2;
        }
        strcpy(sa.sun_path, argv[1]);
        out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        (void)unlink(argv[1]);
        if (out < 0 || s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                perror(argv[1]);
                return 1;
        }
        printf("ready\n");
        fflush(stdout);
        for (;;) {
                char ctl[CMSG_SPACE(sizeof(int))];
                struct iovec iov = { data, sizeof(data) };
                struct msghdr mh = { .msg_iov = &iov,
                                     .msg_iovlen = 1,
                                     .msg_control = ctl,
                                     .msg_controllen = sizeof(ctl) };
                ssize_t n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
                struct cmsghdr *c;

                if (n < 0)
                        continue;
                append(out, data, (size_t)n);
                for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                        int fd;
                        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                                continue;
                        memcpy(&fd, CMSG_DATA(c), sizeof(fd));
                        while ((n = pread(fd, data, sizeof(data), 0)) > 0) {
                                append(out, data, (size_t)n);
                                break;
                        }
                        close(fd);
                }
                append(out, "\n--\n", 4);
        }
}
