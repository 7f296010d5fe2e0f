/* SPDX-License-Identifier: Apache-2.0 */
/* sshd_config reading (see sshd_config.h). */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fs.h"
#include "macro.h"
#include "sshd_config.h"

#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSHD_CONFIG_MAX (1u << 20)
#define INCLUDE_DEPTH 8
/* Include lines can name the same files many times over; sshd reads them all,
 * but a file that includes itself k times would cost k^8 reads here. */
#define FILES_MAX 64

struct walk {
        const char *keyword; /* looked for, or NULL */
        const char *inc_dir; /* an Include of this directory, or NULL */
        char *value;
        unsigned files; /* read so far */
        bool found_include;
        bool in_match;
};

static int read_file(int root_fd, const char *path, struct walk *w, unsigned depth);

/* One Include pattern: a file, or dir/<glob> in the last component. */
static int include(int root_fd, const char *pattern, struct walk *w, unsigned depth)
{
        char path[4096], dir[4096];
        const char *slash, *glob;
        char **names = NULL;
        size_t n = 0;
        int r = 0;

        if (pattern[0] == '/')
                (void)snprintf(path, sizeof(path), "%s", pattern);
        else
                (void)snprintf(path, sizeof(path), "/etc/ssh/%s", pattern);
        slash = strrchr(path, '/');
        (void)snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        glob = slash + 1;
        if (w->inc_dir && streq(dir, w->inc_dir))
                w->found_include = true;
        if (!strpbrk(glob, "*?["))
                return read_file(root_fd, path, w, depth + 1);
        r = fs_list_dir(root_fd, dir, glob, 256, &names, &n);
        if (r < 0)
                return 0; /* sshd ignores a pattern that matches nothing */
        for (size_t i = 0; i < n && r >= 0; i++) {
                int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                if (len < 0 || (size_t)len >= sizeof(path))
                        continue; /* longer than any path the kernel would open */
                r = read_file(root_fd, path, w, depth + 1);
        }
        fs_list_free(names, n);
        return r;
}

static int read_file(int root_fd, const char *path, struct walk *w, unsigned depth)
{
        _cleanup_free_ char *data = NULL;
        char *line, *save = NULL;
        int r;

        if (depth > INCLUDE_DEPTH)
                return -ELOOP;
        if (++w->files > FILES_MAX)
                return -E2BIG;
        r = fs_read_file(root_fd, path, SSHD_CONFIG_MAX, &data, NULL);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        for (line = strtok_r(data, "\n", &save); line && !w->in_match;
             line = strtok_r(NULL, "\n", &save)) {
                char *kw, *val, *end;

                line += strspn(line, " \t\r");
                if (*line == '#' || *line == '\0')
                        continue;
                kw = line;
                val = kw + strcspn(kw, " \t=");
                if (*val)
                        *val++ = '\0';
                val += strspn(val, " \t=");
                end = val + strlen(val);
                while (end > val && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                        *--end = '\0';
                if (strcasecmp(kw, "Match") == 0) {
                        w->in_match = true;
                        break;
                }
                if (strcasecmp(kw, "Include") == 0) {
                        char *tok, *tsave = NULL;
                        for (tok = strtok_r(val, " \t", &tsave); tok && r >= 0;
                             tok = strtok_r(NULL, " \t", &tsave))
                                r = include(root_fd, tok, w, depth);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (w->keyword && !w->value && strcasecmp(kw, w->keyword) == 0) {
                        w->value = strdup(val);
                        if (!w->value)
                                return -ENOMEM;
                }
        }
        return 0;
}

int sshd_config_get(int root_fd, const char *keyword, char **ret)
{
        struct walk w = { .keyword = keyword };
        int r = read_file(root_fd, SSHD_CONFIG, &w, 0);

        if (r < 0) {
                free(w.value);
                return r;
        }
        if (!w.value)
                return -ENOENT;
        *ret = w.value;
        return 0;
}

bool sshd_config_includes_dir(int root_fd, const char *dir)
{
        struct walk w = { .inc_dir = dir };
        (void)read_file(root_fd, SSHD_CONFIG, &w, 0);
        return w.found_include;
}
