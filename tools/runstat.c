/* SPDX-License-Identifier: Apache-2.0 */
/* Run a command and write its CPU time (user+sys, microseconds, its children
 * included) and peak RSS (KB) from getrusage to OUTFILE: the benchmark's
 * stopwatch, finer than GNU time's 10 ms. Usage: runstat OUTFILE COMMAND... */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct rusage ru;
        int status;
        pid_t pid;

        FILE *out;

        if (argc < 3) {
                fprintf(stderr, "usage: runstat OUTFILE COMMAND [ARGS...]\n");
                return 2;
        }
        pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                execvp(argv[2], argv + 2);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return 1;
        out = fopen(argv[1], "w");
        if (!out)
                return 1;
        fprintf(out, "%ld %ld\n",
               (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
                       ru.ru_stime.tv_usec,
               ru.ru_maxrss);
        fclose(out);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
