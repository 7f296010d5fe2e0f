/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot collect-logs`: a gzip'd tarball of the logs and the state, for a
 * bug report. What may hold secrets stays out unless --include-sensitive:
 * user-data and what is derived from it, instance-data-sensitive.json, user
 * scripts, and any state file readable by its owner only (cloudboot writes
 * every file that holds a secret 0600). The tarball itself is 0600. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "codec.h"
#include "exec.h"
#include "fs.h"
#include "macro.h"
#include "state.h"
#include "tar.h"

#define TAR_MAX (512u * 1024 * 1024)
#define FILE_MAX (64u * 1024 * 1024)
#define WALK_DEPTH 4

static const char *const sensitive_names[] = {
        "instance-data-sensitive.json",
        "combined-cloud-config.json",
        "user-data.txt",
        "user-data.txt.i",
        "vendor-data.txt",
        "vendor-data.txt.i",
        "vendor-data2.txt",
        "vendor-data2.txt.i",
        "cloud-config.txt",
        "vendor-cloud-config.txt",
        "scripts",
        NULL,
};

struct collect {
        int root_fd;
        bool sensitive;
        const char *top; /* cloud-init-logs-YYYY-MM-DD */
        struct buf tar;
        time_t now;
        unsigned skipped;
};

static bool is_sensitive_name(const char *name)
{
        for (const char *const *s = sensitive_names; *s; s++)
                if (streq(*s, name))
                        return true;
        return false;
}

static int add_data(struct collect *c, const char *name, const void *data, size_t len)
{
        char path[PATH_MAX];

        if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->top, name) >= sizeof(path))
                return -ENAMETOOLONG;
        return tar_add_file(&c->tar, path, data, len, 0600, c->now);
}

/* path (inside the root) into the archive as <top><path>, directories walked. */
static int add_tree(struct collect *c, const char *path, int depth)
{
        _cleanup_close_ int fd = -1;
        struct stat st;
        char name[PATH_MAX];
        const char *base = strrchr(path, '/');
        int r;

        base = base ? base + 1 : path;
        if (!c->sensitive && is_sensitive_name(base)) {
                c->skipped++;
                return 0;
        }
        /* the top path may be a link (/var/lib/cloud/instance); below it, no
         * link is followed */
        fd = fs_open_in_root(c->root_fd, path,
                             O_RDONLY | O_NONBLOCK | O_CLOEXEC | (depth ? O_NOFOLLOW : 0), 0);
        if (fd == -ENOENT || fd == -ELOOP)
                return 0;
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if ((size_t)snprintf(name, sizeof(name), "%s%s", c->top, path) >= sizeof(name))
                return -ENAMETOOLONG;
        if (S_ISDIR(st.st_mode)) {
                char **names = NULL;
                size_t n = 0;

                if (depth >= WALK_DEPTH)
                        return 0;
                r = tar_add_dir(&c->tar, name, st.st_mode, st.st_mtime);
                if (r >= 0)
                        r = fs_list_dir(c->root_fd, path, NULL, 10000, &names, &n);
                for (size_t i = 0; i < n && r >= 0; i++) {
                        char child[PATH_MAX];
                        if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, names[i]) >=
                            sizeof(child))
                                continue;
                        r = add_tree(c, child, depth + 1);
                }
                fs_list_free(names, n);
                return r;
        }
        if (!S_ISREG(st.st_mode))
                return 0;
        /* owner-only files hold secrets; the logs are 0640 and go in */
        if (!c->sensitive && (st.st_mode & 077) == 0) {
                c->skipped++;
                return 0;
        }
        _cleanup_free_ char *data = NULL;
        size_t len;
        r = fs_read_file(c->root_fd, path, FILE_MAX, &data, &len);
        if (r == -E2BIG) {
                c->skipped++;
                return 0;
        }
        if (r < 0)
                return r;
        return tar_add_file(&c->tar, name, data, len, st.st_mode, st.st_mtime);
}

/* The kernel log, by syscall rather than by running dmesg. */
static int add_dmesg(struct collect *c)
{
        int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
        _cleanup_free_ char *log = NULL;
        int n;

        if (size <= 0)
                return 0;
        log = malloc((size_t)size);
        if (!log)
                return -ENOMEM;
        n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size);
        if (n < 0)
                return 0; /* not allowed here (a container): no dmesg.txt */
        return add_data(c, "dmesg.txt", log, (size_t)n);
}

static int add_journal(struct collect *c)
{
        struct buf out = BUF_INIT(FILE_MAX);
        struct exec_opts o = { .timeout_sec = 60, .capture = &out };
        char *argv[] = { "journalctl", "--boot=0", "-o", "short-precise", "--no-pager", NULL };
        int status = 0, r;

        if (!exec_have("journalctl"))
                return 0;
        r = exec_argv(&o, argv, &status);
        if (r >= 0 && out.len)
                r = add_data(c, "journal.txt", out.data, out.len);
        buf_free(&out);
        return r == -E2BIG ? 0 : r;
}

static int write_out(const char *tarfile, const void *data, size_t len)
{
        _cleanup_close_ int root_fd = fs_open_root("/");
        char path[PATH_MAX], cwd[PATH_MAX];

        if (root_fd < 0)
                return root_fd;
        if (tarfile[0] == '/')
                (void)snprintf(path, sizeof(path), "%s", tarfile);
        else if (!getcwd(cwd, sizeof(cwd)) ||
                 (size_t)snprintf(path, sizeof(path), "%s/%s", cwd, tarfile) >= sizeof(path))
                return -ENAMETOOLONG;
        return fs_write_atomic(root_fd, path, data, len, 0600, FS_NO_OWNER, (gid_t)-1);
}

int cmd_collect_logs(const char *root, const char *tarfile, bool include_sensitive)
{
        struct collect c = { .sensitive = include_sensitive, .tar = BUF_INIT(TAR_MAX) };
        _cleanup_close_ int root_fd = fs_open_root(root);
        _cleanup_free_ char *gz = NULL;
        char top[64], version[64];
        size_t gz_len = 0;
        struct tm tm;
        int r;

        if (root_fd < 0) {
                fprintf(stderr, "cloudboot collect-logs: cannot open %s: %s\n", root,
                        strerror(-root_fd));
                return 1;
        }
        c.root_fd = root_fd;
        c.now = time(NULL);
        (void)gmtime_r(&c.now, &tm);
        (void)strftime(top, sizeof(top), "cloud-init-logs-%Y-%m-%d", &tm);
        c.top = top;
        (void)snprintf(version, sizeof(version), "cloudboot %s\n", PACKAGE_VERSION);

        r = tar_add_dir(&c.tar, top, 0755, c.now);
        if (r >= 0)
                r = add_data(&c, "version", version, strlen(version));
        if (r >= 0)
                r = add_tree(&c, "/var/log/cloud-init.log", 0);
        if (r >= 0)
                r = add_tree(&c, "/var/log/cloud-init-output.log", 0);
        if (r >= 0)
                r = add_tree(&c, RUN_DIR, 0);
        if (r >= 0)
                r = add_tree(&c, CLOUD_DIR "/data", 0);
        if (r >= 0)
                r = add_tree(&c, CLOUD_DIR "/instance", 0);
        /* the kernel's and the journal's logs are the running system's, so
         * only when the target is that system */
        if (r >= 0 && streq(root, "/"))
                r = add_dmesg(&c);
        if (r >= 0 && streq(root, "/"))
                r = add_journal(&c);
        if (r >= 0)
                r = tar_finish(&c.tar);
        if (r >= 0)
                r = gzip_encode(c.tar.data, c.tar.len, &gz, &gz_len);
        buf_free(&c.tar);
        if (r >= 0)
                r = write_out(tarfile, gz, gz_len);
        if (r < 0) {
                fprintf(stderr, "cloudboot collect-logs: cannot write %s: %s\n", tarfile,
                        strerror(-r));
                return 1;
        }
        printf("Wrote %s%s\n", tarfile,
               c.skipped && !include_sensitive
                       ? " (sensitive files left out; --include-sensitive adds them)"
                       : "");
        return 0;
}
