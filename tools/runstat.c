/* SPDX-License-Identifier: Apache-2.0 */
/* Run a command and write its CPU time (user+sys, microseconds, its children
 * included) and peak RSS (KB) from getrusage to OUTFILE: the benchmark's
 * stopwatch, finer than GNU time's 10 ms. With -t SECS the command (in its
 * own process group) is killed after SECS seconds of wall time and the line
 * ends with " timeout". Usage: runstat [-t SECS] OUTFILE COMMAND... */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
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
        int status, a = 1;
        pid_t pid;
        FILE *out;

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
                (void)sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: wait4 returns EINTR */
                alarm(secs);
        }
        while (wait4(pid, &status, 0, &ru) < 0) {
                if (!expired)
                        return 1;
                (void)kill(-pid, SIGKILL);
                expired = 0;
                secs = (unsigned)-1; /* remember it timed out */
        }
        out = fopen(argv[a], "w");
        if (!out)
                return 1;
        fprintf(out, "%ld %ld%s\n",
                (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
                        ru.ru_stime.tv_usec,
                ru.ru_maxrss, secs == (unsigned)-1 ? " timeout" : "");
        fclose(out);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
