/* SPDX-License-Identifier: Apache-2.0 */
/* Run a command and write its CPU time (user+sys, microseconds, its children
 * included) and peak RSS (KB) from getrusage to OUTFILE: the benchmark's
 * stopwatch, finer than GNU time's 10 ms. With -t SECS the command (in its
 * own process group) is killed after SECS seconds of wall time and the line
 * ends with " timeout". With -f the line has two more fields: wall time
 * (microseconds) and the bytes the command and its children passed to
 * write() (wchar of /proc/self/io, which takes in the reaped children's).
 * A process the command leaves running (cloudboot's init-local leaves the
 * host keys' ssh-keygen working for the next stage) is the command's work
 * too: runstat is their reaper (PR_SET_CHILD_SUBREAPER), waits for them
 * after the command has exited, and counts them; the wall time is the
 * command's own.
 * Usage: runstat [-f] [-t SECS] OUTFILE COMMAND... */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t expired;

static void on_alarm(int sig)
{
        (void)sig;
        expired = 1;
}

int main(int argc, char **argv)
{
        struct sigaction sa = { .sa_handler = on_alarm };
        struct rusage ru;
        unsigned secs = 0;
        int status = -1, a = 1; /* -1: never reaped, a failure */
        pid_t pid;
        FILE *out;

        struct timespec t0, t1;
        long long wchar = -1;
        int full = 0;

        if (argc > 1 && strcmp(argv[1], "-f") == 0) {
                full = 1;
                argv++;
                argc--;
        }
        if (argc > 2 && strcmp(argv[1], "-t") == 0) {
                char *end;
                unsigned long v = strtoul(argv[2], &end, 10);
                if (*end || v == 0 || v > 86400) {
                        fprintf(stderr, "runstat: -t needs seconds\n");
                        return 2;
                }
                secs = (unsigned)v;
                a = 3;
        }
        if (argc < a + 2) {
                fprintf(stderr, "usage: runstat [-t SECS] OUTFILE COMMAND [ARGS...]\n");
                return 2;
        }
        (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        (void)clock_gettime(CLOCK_MONOTONIC, &t0);
        pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                (void)setpgid(0, 0);
                execvp(argv[a + 1], argv + a + 1);
                _exit(127);
        }
        (void)setpgid(pid, pid);
        if (secs) {
                (void)sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid returns EINTR */
                alarm(secs);
        }
        /* the command, then what it left running (reaped here: their time
         * is in RUSAGE_CHILDREN), until no child is left */
        for (;;) {
                int st;
                pid_t w = waitpid(-1, &st, 0);

                if (w == pid) {
                        status = st;
                        (void)clock_gettime(CLOCK_MONOTONIC, &t1);
                }
                if (w > 0)
                        continue;
                if (errno != EINTR)
                        break;
                if (expired) {
                        (void)kill(-pid, SIGKILL);
                        expired = 0;
                        secs = (unsigned)-1; /* remember it timed out */
                }
        }
        (void)getrusage(RUSAGE_CHILDREN, &ru);
        if (full) {
                FILE *io = fopen("/proc/self/io", "r");
                char line[128];

                while (io && fgets(line, sizeof(line), io))
                        if (sscanf(line, "wchar: %lld", &wchar) == 1)
                                break;
                if (io)
                        fclose(io);
        }
        out = fopen(argv[a], "w");
        if (!out)
                return 1;
        fprintf(out, "%ld %ld",
                (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
                        ru.ru_stime.tv_usec,
                ru.ru_maxrss);
        if (full)
                fprintf(out, " %lld %lld",
                        (long long)(t1.tv_sec - t0.tv_sec) * 1000000LL +
                                (t1.tv_nsec - t0.tv_nsec) / 1000,
                        wchar);
        fprintf(out, "%s\n", secs == (unsigned)-1 ? " timeout" : "");
        fclose(out);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
