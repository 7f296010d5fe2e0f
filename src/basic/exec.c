/* SPDX-License-Identifier: Apache-2.0 */
/* fork/exec with pipes, a deadline and optional chroot (see exec.h). */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "log.h"
#include "macro.h"

#define CAPTURE_MAX (1u << 20)
/* After SIGTERM at the deadline, how long the command has before SIGKILL. */
#define KILL_GRACE_MS 2000
/* Without pidfd, how often the child is looked at. */
#define POLL_TICK_MS 50
/* Reads of what is left in a pipe once the command has ended (4 KiB each). */
#define DRAIN_READS_MAX 256

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

/* The command's output: into the capture buffer, or the output log and our
 * stdout. 0 at the end of the stream (then *fd is closed), 1 when more may come. */
static int consume(const struct exec_opts *o, int *fd, bool is_stdout, int *r)
{
        char chunk[4096];
        ssize_t n = read(*fd, chunk, sizeof(chunk));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return errno == EINTR ? 1 : 0;
        if (n <= 0) {
                (void)close(*fd);
                *fd = -1;
                return 0;
        }
        if (is_stdout && o->capture) {
                if (buf_append(o->capture, chunk, (size_t)n) < 0)
                        *r = -E2BIG;
                return 1;
        }
        write_all_fd(output_fd, chunk, (size_t)n);
        write_all_fd(STDOUT_FILENO, chunk, (size_t)n);
        return 1;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
        long fd = syscall(SYS_pidfd_open, pid, 0);
        if (fd >= 0) {
                (void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
                return (int)fd;
        }
#endif
        return -1; /* Linux < 5.3 (or a seccomp filter): polled with waitid instead */
}

/* Has the child exited? It is not reaped (WNOWAIT): while it is a zombie its
 * pid, and so its process group's id, cannot be reused, and the group can
 * still be killed safely. */
static bool exited(pid_t pid)
{
        siginfo_t si = { 0 };

        while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
                if (errno != EINTR)
                        return true; /* ECHILD: nothing left to wait for */
        return si.si_pid == pid;
}

/* Wait up to ms for the child to exit (not reaped). */
static bool wait_exit(pid_t pid, int pidfd, long long ms)
{
        long long end = now_ms() + ms;

        for (;;) {
                long long left = end - now_ms();
                if (exited(pid))
                        return true;
                if (left <= 0)
                        return false;
                if (pidfd >= 0)
                        (void)poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1, (int)left);
                else
                        (void)poll(NULL, 0, left < POLL_TICK_MS ? (int)left : POLL_TICK_MS);
        }
}

/* The whole group: what the command started goes with it. TERM first, for
 * a clean end; KILL for what is left after the grace. */
static void end_group(pid_t pid, int pidfd)
{
        (void)kill(-pid, SIGTERM);
        (void)wait_exit(pid, pidfd, KILL_GRACE_MS);
        (void)kill(-pid, SIGKILL);
}

int exec_argv(const struct exec_opts *o, char *const argv[], int *ret_status)
{
        static const struct exec_opts none = { 0 };
        int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
        unsigned timeout_sec;
        long long deadline;
        size_t in_off = 0;
        bool timed_out = false, stopped = false;
        int status = 0, r = 0, pidfd = -1;
        pid_t pid;

        if (!o)
                o = &none;
        timeout_sec = o->timeout_sec ? o->timeout_sec : EXEC_TIMEOUT_DEFAULT;
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

        /* Here too, so that the group exists before anything can be killed. */
        (void)setpgid(pid, pid);
        pidfd = open_pidfd(pid);
        (void)close(in_pipe[0]);
        (void)close(out_pipe[1]);
        (void)close(err_pipe[1]);
        in_pipe[0] = out_pipe[1] = err_pipe[1] = -1;
        if (!o->input_len) {
                (void)close(in_pipe[1]);
                in_pipe[1] = -1;
        } else
                (void)fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);

        /* The deadline is the process's, not its pipes': a command that closes
         * its output and goes on running is still timed out. The wait ends
         * when the command itself exits. */
        deadline = now_ms() + 1000LL * timeout_sec;
        for (;;) {
                struct pollfd p[4] = {
                        { .fd = out_pipe[0], .events = POLLIN },
                        { .fd = err_pipe[0], .events = POLLIN },
                        { .fd = in_pipe[1], .events = POLLOUT },
                        { .fd = pidfd, .events = POLLIN },
                };
                long long left = deadline - now_ms();
                int k, wait_ms;

                if (exited(pid))
                        break;
                if (o->stop && o->stop(o->stop_data)) {
                        stopped = true;
                        break;
                }
                if (left <= 0) {
                        timed_out = true;
                        break;
                }
                wait_ms = left > 1000 ? 1000 : (int)left;
                if ((pidfd < 0 || o->stop) && wait_ms > POLL_TICK_MS)
                        wait_ms = POLL_TICK_MS;
                k = poll(p, 4, wait_ms);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        timed_out = true; /* cannot watch it: end it */
                        break;
                }
                if (out_pipe[0] >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
                        (void)consume(o, &out_pipe[0], true, &r);
                if (err_pipe[0] >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
                        (void)consume(o, &err_pipe[0], false, &r);
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
        if (stopped) {
                /* the caller has what it waited for: the rest goes quietly */
                end_group(pid, pidfd);
                r = -ECANCELED;
        }
        if (timed_out) {
                end_group(pid, pidfd);
                if (r == 0)
                        r = -ETIMEDOUT;
                log_full(o->best_effort ? LOG_LVL_INFO : LOG_LVL_WARNING,
                         "%s timed out after %u s; it and what it started were killed%s", argv[0],
                         timeout_sec, o->best_effort ? " (the boot goes on without it)" : "");
        }
        /* What the command wrote before it ended; a process it left running
         * that still holds the pipes is not waited for. */
        for (int i = 0; i < 2; i++) {
                int *fd = i == 0 ? &out_pipe[0] : &err_pipe[0];
                /* bounded: such a process may write without end */
                if (*fd >= 0 && fcntl(*fd, F_SETFL, O_NONBLOCK) == 0)
                        for (int n = 0; n < DRAIN_READS_MAX && consume(o, fd, i == 0, &r) > 0; n++)
                                ;
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (!timed_out && !stopped && ret_status)
                *ret_status = WIFEXITED(status)     ? WEXITSTATUS(status)
                              : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                                    : 255;
out_close:
        if (pidfd >= 0)
                (void)close(pidfd);
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
