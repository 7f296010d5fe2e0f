/* SPDX-License-Identifier: Apache-2.0 */
/* User-space confined path resolution (see resolve.h). Each component is
 * opened with O_PATH|O_NOFOLLOW relative to the directory before it, so a
 * symlink is seen before it is followed and is then resolved here, within the
 * root; ".." pops back to the directory before. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "resolve.h"

#define DEPTH_MAX 128
#define SYMLINKS_MAX 40 /* as the kernel's */

struct walk {
        int fds[DEPTH_MAX]; /* fds[0] is dir_fd itself, not owned */
        unsigned depth;
};

static void unwind(struct walk *w, unsigned to)
{
        while (w->depth > to)
                (void)close(w->fds[w->depth--]);
}

/* rest = target + "/" + rest, in place within size. */
static int prepend_target(char *rest, size_t size, const char *target)
{
        size_t tl = strlen(target), rl = strlen(rest);

        if (tl + 1 + rl + 1 > size)
                return -ENAMETOOLONG;
        memmove(rest + tl + 1, rest, rl + 1);
        memcpy(rest, target, tl);
        rest[tl] = '/';
        return 0;
}

static bool uid_trusted(uid_t uid)
{
        return uid == 0 || uid == geteuid();
}

static bool gid_trusted(gid_t gid)
{
        return gid == 0 || gid == getegid();
}

bool resolve_link_trusted(const struct stat *link, const struct stat *dir)
{
        bool others_write = (dir->st_mode & S_IWOTH) ||
                            ((dir->st_mode & S_IWGRP) && !gid_trusted(dir->st_gid)) ||
                            ((dir->st_mode & S_IWUSR) && !uid_trusted(dir->st_uid));

        if (!uid_trusted(link->st_uid))
                return false;
        if (!others_write)
                return true;
        /* In a sticky directory only its owner (and the entry's) can rename or
         * replace the entry: the kernel's rule for /tmp. */
        return (dir->st_mode & S_ISVTX) && dir->st_uid == link->st_uid;
}

/* May the symlink open as fd (its lstat in st) in dir_fd be followed? */
static int check_link(int dir_fd, const struct stat *st)
{
        struct stat dst;

        if (fstat(dir_fd, &dst) < 0)
                return -errno;
        return resolve_link_trusted(st, &dst) ? 0 : -EACCES;
}

int resolve_open(int dir_fd, const char *path, int flags, mode_t mode, unsigned how)
{
        bool in_root = how & RESOLVE_WALK_IN_ROOT, no_symlinks = how & RESOLVE_WALK_NO_SYMLINKS;
        struct walk w = { .fds = { dir_fd }, .depth = 0 };
        char rest[PATH_MAX * 2], comp[NAME_MAX + 1];
        unsigned links = 0;
        int r;

        if (strlen(path) >= sizeof(rest))
                return -ENAMETOOLONG;
        strcpy(rest, path);
        for (;;) {
                char *p = rest, *slash;
                size_t len;
                bool last;
                struct stat st;
                int fd;

                while (*p == '/')
                        p++;
                slash = strchr(p, '/');
                len = slash ? (size_t)(slash - p) : strlen(p);
                if (len > NAME_MAX) {
                        unwind(&w, 0);
                        return -ENAMETOOLONG;
                }
                memcpy(comp, p, len);
                comp[len] = '\0';
                p += len;
                while (*p == '/')
                        p++;
                memmove(rest, p, strlen(p) + 1);
                last = !rest[0];

                if (!comp[0] || streq(comp, ".") || streq(comp, "..")) {
                        if (streq(comp, "..")) {
                                if (w.depth > 0)
                                        unwind(&w, w.depth - 1);
                                else if (!in_root)
                                        return -EXDEV; /* nothing opened yet at depth 0 */
                        }
                        if (!last)
                                continue;
                        fd = openat(w.fds[w.depth], ".", flags | O_CLOEXEC, mode);
                        r = fd < 0 ? -errno : fd;
                        unwind(&w, 0);
                        return r;
                }
                /* What is there: a symlink is resolved here, never by the kernel. */
                fd = openat(w.fds[w.depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT && last && (flags & O_CREAT)) {
                        fd = openat(w.fds[w.depth], comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
                        r = fd < 0 ? -errno : fd;
                        unwind(&w, 0);
                        return r;
                }
                if (fd < 0 || fstat(fd, &st) < 0) {
                        r = -errno;
                        if (fd >= 0)
                                (void)close(fd);
                        unwind(&w, 0);
                        return r;
                }
                if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
                        int saved = errno;

                        (void)close(fd);
                        errno = saved;
                        if (no_symlinks || ++links > SYMLINKS_MAX) {
                                unwind(&w, 0);
                                return -ELOOP;
                        }
                        if (n < 0) {
                                r = -errno;
                                unwind(&w, 0);
                                return r;
                        }
                        /* Only the component itself was looked at (O_PATH|O_NOFOLLOW):
                         * its owner and its directory decide before it is followed. */
                        if (how & RESOLVE_WALK_SAFE_LINKS) {
                                r = check_link(w.fds[w.depth], &st);
                                if (r < 0) {
                                        unwind(&w, 0);
                                        return r;
                                }
                        }
                        target[n] = '\0';
                        if (target[0] == '/') {
                                if (!in_root) {
                                        unwind(&w, 0);
                                        return -EXDEV;
                                }
                                unwind(&w, 0);
                        }
                        r = prepend_target(rest, sizeof(rest), target);
                        if (r < 0) {
                                unwind(&w, 0);
                                return r;
                        }
                        continue;
                }
                if (last) {
                        int final;
                        (void)close(fd);
                        /* O_NOFOLLOW: swapped for a symlink since, it fails, not follows */
                        final = openat(w.fds[w.depth], comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
                        r = final < 0 ? -errno : final;
                        unwind(&w, 0);
                        return r;
                }
                if (!S_ISDIR(st.st_mode) || w.depth + 1 >= DEPTH_MAX) {
                        (void)close(fd);
                        unwind(&w, 0);
                        return S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
                }
                w.fds[++w.depth] = fd;
        }
}
