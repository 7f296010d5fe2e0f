/* Run a command and print its CPU time (user+sys, microseconds) and peak RSS
 * (KB) from getrusage: the benchmark's stopwatch, finer than GNU time's 10 ms. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct rusage ru;
        int status;
        pid_t pid;

        if (argc < 2) {
                fprintf(stderr, "usage: runstat COMMAND [ARGS...]\n");
                return 2;
        }
        pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return 1;
        printf("%ld %ld\n",
               (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
                       ru.ru_stime.tv_usec,
               ru.ru_maxrss);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
