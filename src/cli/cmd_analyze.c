/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot analyze show|blame|dump`: per-stage and per-module times from
 * the start:/finish: events in cloud-init.log (see analyze.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "cli.h"
#include "fs.h"
#include "macro.h"

static FILE *open_log(const char *root, const char *infile)
{
        _cleanup_close_ int root_fd = -1;
        int fd;
        FILE *f;

        if (infile)
                return streq(infile, "-") ? stdin : fopen(infile, "re");
        root_fd = fs_open_root(root);
        if (root_fd < 0) {
                errno = -root_fd;
                return NULL;
        }
        fd = fs_open_in_root(root_fd, "/var/log/cloud-init.log", O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
                errno = -fd;
                return NULL;
        }
        f = fdopen(fd, "re");
        if (!f)
                (void)close(fd);
        return f;
}

int cmd_analyze(const char *root, const char *action, const char *infile, const char *outfile)
{
        struct analyze_log l = { 0 };
        FILE *in, *out = stdout;
        int r;

        if (!streq(action, "show") && !streq(action, "blame") && !streq(action, "dump")) {
                fprintf(stderr, "cloudboot analyze: unknown action '%s' (show, blame or dump)\n",
                        action);
                return 2;
        }
        in = open_log(root, infile);
        if (!in) {
                fprintf(stderr, "cloudboot analyze: cannot read %s: %s\n",
                        infile ? infile : "/var/log/cloud-init.log", strerror(errno));
                return 1;
        }
        r = analyze_read(in, &l);
        if (in != stdin)
                (void)fclose(in);
        if (r < 0) {
                fprintf(stderr, "cloudboot analyze: cannot read the events: %s\n", strerror(-r));
                return 1;
        }
        if (outfile && !streq(outfile, "-")) {
                out = fopen(outfile, "we");
                if (!out) {
                        fprintf(stderr, "cloudboot analyze: cannot write %s: %m\n", outfile);
                        analyze_log_done(&l);
                        return 1;
                }
        }
        if (streq(action, "show"))
                analyze_show(&l, out);
        else if (streq(action, "blame"))
                analyze_blame(&l, out);
        else
                r = analyze_dump(&l, out);
        if (out != stdout && fclose(out) != 0 && r >= 0)
                r = -errno;
        else if (out == stdout && fflush(stdout) != 0 && r >= 0)
                r = -errno;
        analyze_log_done(&l);
        if (r < 0) {
                fprintf(stderr, "cloudboot analyze: %s\n", strerror(-r));
                return 1;
        }
        return 0;
}
