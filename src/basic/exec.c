/* SPDX-License-Identifier: Apache-2.0 */
/* fork/exec with pipes, a deadline and optional chroot (see exec.h). */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "log.h"
#include "macro.h"

#define CAPTURE_MAX (1u << 20)

static int output_fd = -1;

void exec_set_output(int fd)
{
        output_fd = fd;
}

bool exec_have(const char *name)
{
        const char *path = getenv("PATH");
        char buf[4096];

        if (strchr(name, '/'))
                return access(name, X_OK) == 0;
        if (!path)
                path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        while (*path) {
                size_t n = strcspn(path, ":");
                if (n > 0 &&
                    snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) < (int)sizeof(buf) &&
                    access(buf, X_OK) == 0)
                        return true;
                path += n + (path[n] == ':');
        }
        return false;
}

static long long now_ms(void)
{
        struct timespec ts;
        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_all_fd(int fd, const char *p, size_t n)
{
        while (fd >= 0 && n > 0) {
                ssize_t w = write(fd, p, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return;
                p += w;
                n -= (size_t)w;
        }
}

static _Noreturn void child(const struct exec_opts *o, char *const argv[], int in_fd, int out_fd,
                            int err_fd)
{
        /* Default signal handling and a process group of its own, so that a
         * timeout can kill whatever it started. */
        (void)setpgid(0, 0);
        (void)signal(SIGPIPE, SIG_DFL);
        if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
            dup2(err_fd, STDERR_FILENO) < 0)
                _exit(127);
        if (o->chroot_dir && !streq(o->chroot_dir, "/")) {
                if (chroot(o->chroot_dir) < 0 || chdir("/") < 0) {
                        dprintf(STDERR_FILENO, "cloudboot: cannot chroot into %s: %s\n",
                                o->chroot_dir, strerror(errno));
                        _exit(127);
                }
                /* Inside the target its own PATH applies. */
                (void)setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                             1);
        }
        for (char *const *e = o->env; e && *e; e++)
                (void)putenv(*e);
        execvp(argv[0], argv);
        dprintf(STDERR_FILENO, "cloudboot: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
}

int exec_argv(const struct exec_opts *o, char *const argv[], int *ret_status)
{
        static const struct exec_opts none = { 0 };
        int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
        long long deadline;
        size_t in_off = 0;
        bool timed_out = false;
        int status = 0, r = 0;
        pid_t pid;

        if (!o)
                o = &none;
        if (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0 ||
            pipe2(err_pipe, O_CLOEXEC) < 0) {
                r = -errno;
                goto out_close;
        }
        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto out_close;
        }
        if (pid == 0)
                child(o, argv, in_pipe[0], out_pipe[1], err_pipe[1]);

        (void)setpgid(pid, pid);
        (void)close(in_pipe[0]);
        (void)close(out_pipe[1]);
        (void)close(err_pipe[1]);
        in_pipe[0] = out_pipe[1] = err_pipe[1] = -1;
        if (!o->input_len) {
                (void)close(in_pipe[1]);
                in_pipe[1] = -1;
        } else
                (void)fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);

        deadline = now_ms() + 1000LL * (o->timeout_sec ? o->timeout_sec : EXEC_TIMEOUT_DEFAULT);
        while (out_pipe[0] >= 0 || err_pipe[0] >= 0) {
                struct pollfd p[3] = {
                        { .fd = out_pipe[0], .events = POLLIN },
                        { .fd = err_pipe[0], .events = POLLIN },
                        { .fd = in_pipe[1], .events = POLLOUT },
                };
                long long left = deadline - now_ms();
                int k;

                if (left <= 0) {
                        timed_out = true;
                        (void)kill(-pid, SIGKILL);
                        break;
                }
                k = poll(p, 3, left > 1000 ? 1000 : (int)left);
                if (k < 0 && errno != EINTR)
                        break;
                for (int i = 0; i < 2; i++) {
                        char chunk[4096];
                        ssize_t n;
                        int *fd = i == 0 ? &out_pipe[0] : &err_pipe[0];

                        if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        n = read(*fd, chunk, sizeof(chunk));
                        if (n <= 0) {
                                if (n < 0 && errno == EINTR)
                                        continue;
                                (void)close(*fd);
                                *fd = -1;
                                continue;
                        }
                        if (i == 0 && o->capture) {
                                if (buf_append(o->capture, chunk, (size_t)n) < 0)
                                        r = -E2BIG;
                                continue;
                        }
                        write_all_fd(output_fd, chunk, (size_t)n);
                        write_all_fd(STDOUT_FILENO, chunk, (size_t)n);
                }
                if (in_pipe[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
                        ssize_t n = write(in_pipe[1], (const char *)o->input + in_off,
                                          o->input_len - in_off);
                        if (n > 0)
                                in_off += (size_t)n;
                        if (n < 0 && errno != EAGAIN && errno != EINTR)
                                in_off = o->input_len;
                        if (in_off >= o->input_len) {
                                (void)close(in_pipe[1]);
                                in_pipe[1] = -1;
                        }
                }
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (timed_out)
                r = -ETIMEDOUT;
        else if (ret_status)
                *ret_status = WIFEXITED(status)     ? WEXITSTATUS(status)
                              : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                                    : 255;
out_close:
        for (int i = 0; i < 2; i++) {
                if (in_pipe[i] >= 0)
                        (void)close(in_pipe[i]);
                if (out_pipe[i] >= 0)
                        (void)close(out_pipe[i]);
                if (err_pipe[i] >= 0)
                        (void)close(err_pipe[i]);
        }
        return r;
}

int exec_ok(const struct exec_opts *o, char *const argv[])
{
        int status = 0;
        int r = exec_argv(o, argv, &status);

        if (r < 0)
                return r;
        if (status != 0) {
                log_debug("%s exited with status %d", argv[0], status);
                return -EPROTO;
        }
        return 0;
}
