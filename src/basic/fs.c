/* SPDX-License-Identifier: Apache-2.0 */
/* Root-relative file operations (see fs.h). */
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "fs.h"
#include "macro.h"
#include "resolve.h"

#ifdef CLOUDBOOT_TEST_HOOKS
#include <signal.h>
/* Crash tests: die as a power cut would, in the middle of the Nth write
 * (CLOUDBOOT_TEST_KILL_IN_WRITE, half its data written) or right after it
 * (CLOUDBOOT_TEST_KILL_AT_WRITE). */
static void test_hook_kill(const char *var, long *left)
{
        if (*left < 0) {
                const char *e = getenv(var);
                *left = e ? strtol(e, NULL, 10) : 0;
        }
        if (*left > 0 && --*left == 0)
                (void)raise(SIGKILL);
}
static void test_hook_in_write(void)
{
        static long left = -1;
        test_hook_kill("CLOUDBOOT_TEST_KILL_IN_WRITE", &left);
}
static void test_hook_after_write(void)
{
        static long left = -1;
        test_hook_kill("CLOUDBOOT_TEST_KILL_AT_WRITE", &left);
}
/* the part of a write made before the kill point in its middle */
#define FIRST_PART(len) ((len) / 2)
#else
#define FIRST_PART(len) (len)
static inline void test_hook_in_write(void)
{
}
static inline void test_hook_after_write(void)
{
}
#endif

static bool no_openat2;

static long openat2_call(int dir_fd, const char *path, int flags, mode_t mode,
                         unsigned long long resolve)
{
        struct open_how how = {
                .flags = (unsigned long long)flags | O_CLOEXEC,
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = resolve,
        };
        long fd = -1;

        /* EAGAIN: a rename anywhere raced the resolution of a ".." (openat2(2)
         * says: retry), a bounded number of times */
        for (int tries = 0; tries < 64; tries++) {
                fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd;
}

/* Open path below dir_fd. With safe_links (RESOLVE_IN_ROOT), symlinks are
 * followed only when resolve_link_trusted() says so. openat2 cannot look at
 * a link's owner, so it is asked first with no symlinks at all: the common
 * path (none on the way) costs one system call. When it meets one (-ELOOP),
 * the walk in user space looks at each link it meets. */
static int openat2_resolve(int dir_fd, const char *path, int flags, mode_t mode,
                           unsigned long long resolve)
{
        bool safe_links = resolve & RESOLVE_IN_ROOT;
        unsigned how = (resolve & RESOLVE_IN_ROOT ? RESOLVE_WALK_IN_ROOT : 0) |
                       (resolve & RESOLVE_NO_SYMLINKS ? RESOLVE_WALK_NO_SYMLINKS : 0) |
                       (safe_links ? RESOLVE_WALK_SAFE_LINKS : 0);
        long fd;

        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        if (!no_openat2) {
                fd = openat2_call(dir_fd, path, flags, mode,
                                  resolve | (safe_links ? RESOLVE_NO_SYMLINKS : 0));
                if (fd >= 0)
                        return (int)fd;
                if (errno != ENOSYS && !(safe_links && errno == ELOOP))
                        return -errno;
                if (errno == ENOSYS)
                        no_openat2 = true; /* Linux < 5.6, or valgrind */
        }
        return resolve_open(dir_fd, path, flags, mode, how);
}

int fs_open_root(const char *root)
{
        int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int fs_open_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
        return openat2_resolve(root_fd, path, flags, mode, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int fs_open_nofollow(int root_fd, const char *path, int flags, mode_t mode)
{
        return openat2_resolve(root_fd, path, flags, mode,
                               RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

int fs_split_path(const char *path, char **ret_dir, const char **ret_base)
{
        const char *slash = strrchr(path, '/');
        char *dir;

        if (!slash) {
                dir = strdup("/");
                *ret_base = path;
        } else {
                dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
                *ret_base = slash + 1;
        }
        if (!dir)
                return -ENOMEM;
        if (!**ret_base || streq(*ret_base, ".") || streq(*ret_base, "..")) {
                free(dir);
                return -EINVAL;
        }
        *ret_dir = dir;
        return 0;
}

/* path's missing directories made (mode), each inside its parent, and the
 * last one opened with flags; the caller found path itself missing. The
 * deepest directory there is is looked for from the bottom: the first write
 * into /run/cloud-init on a boot is one level to make, not a walk down from
 * the root with a check of each level on the way. */
static int mkdir_p_open(int root_fd, const char *path, mode_t mode, int flags)
{
        _cleanup_free_ char *copy = strdup(path);
        char *cut, *p;
        int pfd;

        if (!copy)
                return -ENOMEM;
        /* up: drop the last component until what is left opens */
        cut = copy + strlen(copy);
        for (;;) {
                char save;

                while (cut > copy && cut[-1] == '/')
                        cut--;
                while (cut > copy && cut[-1] != '/')
                        cut--;
                while (cut > copy && cut[-1] == '/')
                        cut--;
                save = *cut;
                *cut = '\0';
                pfd = fs_open_in_root(root_fd, cut == copy ? "/" : copy, O_PATH | O_DIRECTORY, 0);
                *cut = save;
                if (pfd != -ENOENT || cut == copy)
                        break;
        }
        if (pfd < 0)
                return pfd;
        /* down: each component below it made in the one above */
        for (p = cut;;) {
                char *end, save;
                bool last;
                int fd;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                end = strchrnul(p, '/');
                last = !end[strspn(end, "/")];
                save = *end;
                *end = '\0';
                if (streq(p, ".") || streq(p, "..")) {
                        (void)close(pfd);
                        return -EINVAL;
                }
                if (mkdirat(pfd, p, mode) == 0) {
                        /* made here just now: no link to resolve on the way */
                        fd = openat(pfd, p,
                                    (last ? flags : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        fd = fd < 0 ? -errno : fd;
                } else if (errno == EEXIST) /* made by another, or a link: resolved as any path */
                        fd = fs_open_in_root(root_fd, copy, (last ? flags : O_PATH) | O_DIRECTORY,
                                             0);
                else
                        fd = -errno;
                *end = save;
                (void)close(pfd);
                if (fd < 0)
                        return fd;
                pfd = fd;
                if (last)
                        return pfd;
                p = end;
        }
        /* nothing was missing after all (made meanwhile) */
        (void)close(pfd);
        return fs_open_in_root(root_fd, path, flags | O_DIRECTORY, 0);
}

int fs_mkdir_p(int root_fd, const char *path, mode_t mode)
{
        int fd = fs_open_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);

        if (fd == -ENOENT)
                fd = mkdir_p_open(root_fd, path, mode, O_PATH);
        if (fd < 0)
                return fd;
        (void)close(fd);
        return 0;
}

int fs_mkdir_private(int root_fd, const char *path)
{
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r = fs_mkdir_p(root_fd, path, 0700);

        if (r < 0)
                return r;
        fd = fs_open_nofollow(root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_uid != geteuid())
                return -EPERM;
        return fchmod(fd, 0700) < 0 ? -errno : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

static int temp_name(const char *base, char *ret, size_t size)
{
        uint64_t rnd;

        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                rnd = (uint64_t)getpid() ^ ((uint64_t)(uintptr_t)ret << 16);
        if (snprintf(ret, size, ".#%.200s.%016llx", base, (unsigned long long)rnd) >= (int)size)
                return -ENAMETOOLONG;
        return 0;
}

static int set_owner_mode(int fd, mode_t mode, uid_t uid, gid_t gid)
{
        if ((uid != FS_NO_OWNER || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
                return -errno;
        /* After chown: chown clears setuid/setgid bits. */
        if (fchmod(fd, mode) < 0)
                return -errno;
        return 0;
}

/* The target is a mount point (systemd's transient /etc/machine-id, say): rename
 * over it fails with EBUSY, so write through it in place. */
static int write_in_place(int dfd, const char *base, const void *data, size_t len, mode_t mode,
                          uid_t uid, gid_t gid, bool durable)
{
        _cleanup_close_ int fd = openat(dfd, base, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
        int r;

        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (r < 0)
                return r;
        r = set_owner_mode(fd, mode, uid, gid);
        if (r < 0)
                return r;
        return durable && fsync(fd) < 0 ? -errno : 0;
}

/* Could st be the file as it is to be written: a regular file of this size,
 * mode and owner? */
static bool same_kind(const struct stat *st, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
        return S_ISREG(st->st_mode) && (size_t)st->st_size == len &&
               (st->st_mode & 07777) == mode && (uid != FS_NO_OWNER || st->st_uid == geteuid()) &&
               (uid == FS_NO_OWNER || st->st_uid == uid) && (gid == (gid_t)-1 || st->st_gid == gid);
}

/* Does dfd/base, which looked like it (seen: its fstatat), already hold
 * exactly this? Then the write can be skipped: a provisioned boot rewrites
 * nothing, and costs no fsync for it. */
static bool unchanged(int dfd, const char *base, const struct stat *seen, const void *data,
                      size_t len)
{
        /* O_NONBLOCK: a FIFO put there since must not hang the boot */
        _cleanup_close_ int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat st;
        char chunk[4096];
        size_t off = 0;

        /* the file that was looked at, still as it was */
        if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != seen->st_dev ||
            st.st_ino != seen->st_ino || st.st_mode != seen->st_mode || st.st_uid != seen->st_uid ||
            st.st_gid != seen->st_gid || st.st_size != seen->st_size)
                return false;
        while (off < len) {
                size_t want = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
                ssize_t n = read(fd, chunk, want);
                if (n <= 0 || memcmp(chunk, (const char *)data + off, (size_t)n) != 0)
                        return false;
                off += (size_t)n;
        }
        return true;
}

/* The directory that will hold path (created 0755 if missing), opened with
 * flags, and path's last component (pointing into path). */
static int open_parent(int root_fd, const char *path, int flags, const char **ret_base)
{
        _cleanup_free_ char *dir = NULL;
        int r = fs_split_path(path, &dir, ret_base);

        if (r < 0)
                return r;
        /* The directory is there on all but the first write into it: one
         * open then; the first makes what is missing and opens it once. */
        r = fs_open_in_root(root_fd, dir, flags | O_DIRECTORY, 0);
        if (r != -ENOENT)
                return r;
        return mkdir_p_open(root_fd, dir, 0755, flags);
}

/* data into fd, with its mode and owner, on disk. */
int fs_write_buf(int root_fd, const char *path, const struct buf *b, mode_t mode, uid_t uid,
                 gid_t gid)
{
        if (buf_error(b) < 0)
                return buf_error(b);
        return fs_write_atomic(root_fd, path, b->data ? b->data : "", b->len, mode, uid, gid);
}

int fs_write_buf_at(int dfd, const char *name, const struct buf *b, mode_t mode, uid_t uid,
                    gid_t gid)
{
        if (buf_error(b) < 0)
                return buf_error(b);
        return fs_write_atomic_at(dfd, name, b->data ? b->data : "", b->len, mode, uid, gid);
}

static int fill(int fd, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
                bool durable)
{
        size_t first = FIRST_PART(len);
        int r = write_all(fd, data, first);

        test_hook_in_write();
        if (r >= 0)
                r = write_all(fd, (const char *)data + first, len - first);
        if (r >= 0)
                r = set_owner_mode(fd, mode, uid, gid);
        if (r >= 0 && durable && fsync(fd) < 0)
                r = -errno;
        return r;
}

/* The new contents, complete (and on disk when durable), under a temporary
 * name tmp in dfd.
 * Written as an unnamed file (O_TMPFILE) and linked in only when complete, so
 * a crash while writing leaves nothing behind; where the file system cannot
 * (or /proc is missing), a named temporary file made with O_EXCL. */
static int write_temp(int dfd, const char *base, const void *data, size_t len, mode_t mode,
                      uid_t uid, gid_t gid, bool durable, char *tmp, size_t tmp_size)
{
        int r = temp_name(base, tmp, tmp_size);

        if (r < 0)
                return r;
        {
                _cleanup_close_ int fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
                char proc[64];

                if (fd >= 0) {
                        r = fill(fd, data, len, mode, uid, gid, durable);
                        if (r < 0)
                                return r;
                        /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc's link does not. */
                        if (linkat(fd, "", dfd, tmp, AT_EMPTY_PATH) == 0)
                                return 0;
                        (void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                        if (linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW) == 0)
                                return 0;
                }
        }
        _cleanup_close_ int fd =
                openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        r = fill(fd, data, len, mode, uid, gid, durable);
        if (r < 0)
                (void)unlinkat(dfd, tmp, 0);
        return r;
}

static int write_atomic_at(int dfd, const char *base, const void *data, size_t len, mode_t mode,
                           uid_t uid, gid_t gid, bool durable)
{
        struct stat st;
        bool old_file = false;
        char tmp[256];
        int r;

        if (!*base || strchr(base, '/') || streq(base, ".") || streq(base, ".."))
                return -EINVAL;
        /* One look at what is there. A device, FIFO or socket is not ours to
         * replace or write into. Nothing (a first write), or a file of
         * another size, mode or owner, is replaced without opening it. */
        if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode) ||
                    S_ISSOCK(st.st_mode))
                        return -EINVAL;
                if (same_kind(&st, len, mode, uid, gid) && unchanged(dfd, base, &st, data, len))
                        return 0;
                old_file = S_ISREG(st.st_mode);
        }
        r = write_temp(dfd, base, data, len, mode, uid, gid, durable, tmp, sizeof(tmp));
        if (r < 0)
                return r;
        /* A file of one boot that replaces a file is swapped in and the old
         * one unlinked: renamed over it, ext4 (auto_da_alloc) would write the
         * new data out at once, 60 us of the stage's CPU and a disk write
         * for status.json, which the next stage replaces again. Readers
         * still see the old file or the new, never none. Where the file
         * system cannot swap, or the old file is gone meanwhile, a rename. */
        if (!durable && old_file && renameat2(dfd, tmp, dfd, base, RENAME_EXCHANGE) == 0)
                (void)unlinkat(dfd, tmp, 0); /* the old file, under the temporary name now */
        else if (renameat(dfd, tmp, dfd, base) < 0) {
                r = -errno;
                if (r == -EBUSY)
                        r = write_in_place(dfd, base, data, len, mode, uid, gid, durable);
                (void)unlinkat(dfd, tmp, 0);
                if (r < 0)
                        return r;
        }
        /* Make the rename itself durable. */
        if (durable)
                (void)fsync(dfd);
        test_hook_after_write();
        return 0;
}

int fs_write_atomic_at(int dfd, const char *base, const void *data, size_t len, mode_t mode,
                       uid_t uid, gid_t gid)
{
        return write_atomic_at(dfd, base, data, len, mode, uid, gid, true);
}

static int write_atomic(int root_fd, const char *path, const void *data, size_t len, mode_t mode,
                        uid_t uid, gid_t gid, bool durable)
{
        _cleanup_close_ int dfd = -1;
        const char *base;

        dfd = open_parent(root_fd, path, O_RDONLY, &base);
        if (dfd < 0)
                return dfd;
        /* What is under /run lasts one boot, on a tmpfs (FHS): syncing it
         * would be two system calls a file for nothing (some ten files a
         * provisioned init-local). */
        if (startswith(path, "/run/"))
                durable = false;
        return write_atomic_at(dfd, base, data, len, mode, uid, gid, durable);
}

int fs_write_atomic(int root_fd, const char *path, const void *data, size_t len, mode_t mode,
                    uid_t uid, gid_t gid)
{
        return write_atomic(root_fd, path, data, len, mode, uid, gid, true);
}

int fs_write_boot(int root_fd, const char *path, const void *data, size_t len, mode_t mode)
{
        return write_atomic(root_fd, path, data, len, mode, FS_NO_OWNER, (gid_t)-1, false);
}

const char *fs_type_name(mode_t mode)
{
        switch (mode & S_IFMT) {
        case S_IFREG:
                return "a regular file";
        case S_IFDIR:
                return "a directory";
        case S_IFLNK:
                return "a symlink";
        case S_IFCHR:
                return "a character device";
        case S_IFBLK:
                return "a block device";
        case S_IFIFO:
                return "a FIFO";
        case S_IFSOCK:
                return "a socket";
        default:
                return "not a regular file";
        }
}

int fs_stat(int root_fd, const char *path, bool follow, struct stat *ret)
{
        _cleanup_close_ int fd =
                fs_open_in_root(root_fd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);

        if (fd < 0)
                return fd;
        return fstat(fd, ret) < 0 ? -errno : 0;
}

static int read_file(int root_fd, const char *path, size_t max, bool regular_only, char **ret,
                     size_t *ret_len)
{
        /* O_NONBLOCK: opening a FIFO someone left there must not hang the boot */
        _cleanup_close_ int fd =
                fs_open_in_root(root_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t len = 0, cap;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || (regular_only && !S_ISREG(st.st_mode)))
                return -EINVAL;
        if (S_ISCHR(st.st_mode) && fcntl(fd, F_SETFL, 0) < 0)
                return -errno;
        if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
                return -E2BIG;
        /* Size from fstat is a hint only (procfs and sysfs report 0 or 4096). */
        cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4097;
        if (cap > max + 1)
                cap = max + 1;
        data = malloc(cap + 1);
        if (!data)
                return -ENOMEM;
        for (;;) {
                ssize_t n;
                size_t want;

                if (len == cap) {
                        char *p;
                        if (cap > max)
                                return -E2BIG;
                        cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
                        p = realloc(data, cap + 1);
                        if (!p)
                                return -ENOMEM;
                        data = p;
                }
                want = cap - len;
                n = read(fd, data + len, want);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > max)
                        return -E2BIG;
                /* a regular file that gave all fstat said it holds, and
                 * less than was asked: its end, without a read to hear so
                 * (procfs says 0 and gets the loop to its end) */
                if (S_ISREG(st.st_mode) && st.st_size > 0 && (size_t)n < want &&
                    len == (size_t)st.st_size)
                        break;
        }
        data[len] = '\0';
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(data);
        return 0;
}

int fs_read_file(int root_fd, const char *path, size_t max, char **ret, size_t *ret_len)
{
        return read_file(root_fd, path, max, /* regular_only= */ false, ret, ret_len);
}

int fs_read_regular(int root_fd, const char *path, size_t max, char **ret, size_t *ret_len)
{
        return read_file(root_fd, path, max, /* regular_only= */ true, ret, ret_len);
}

int fs_read_line(int root_fd, const char *path, char **ret)
{
        char *data;
        size_t len;
        int r = fs_read_file(root_fd, path, 4096, &data, &len);

        if (r < 0)
                return r;
        while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
                data[--len] = '\0';
        *ret = data;
        return 0;
}

int fs_symlink_atomic(int root_fd, const char *target, const char *path)
{
        _cleanup_close_ int dfd = -1;
        const char *base;
        char tmp[256];
        int r;

        dfd = open_parent(root_fd, path, O_PATH, &base);
        if (dfd < 0)
                return dfd;
        /* Every stage re-states its links (status.json, result.json, the
         * instance): one that already says target is left as it is, which
         * saves a symlink and a rename per link on every boot. */
        ssize_t n = readlinkat(dfd, base, tmp, sizeof(tmp));
        if (n >= 0 && (size_t)n < sizeof(tmp) && (size_t)n == strlen(target) &&
            memcmp(tmp, target, (size_t)n) == 0)
                return 0;
        r = temp_name(base, tmp, sizeof(tmp));
        if (r < 0)
                return r;
        if (symlinkat(target, dfd, tmp) < 0)
                return -errno;
        if (renameat(dfd, tmp, dfd, base) < 0) {
                r = -errno;
                (void)unlinkat(dfd, tmp, 0);
                return r;
        }
        return 0;
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void fs_list_free(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

int fs_list_dir(int root_fd, const char *dir, const char *pattern, size_t max, char ***ret,
                size_t *ret_n)
{
        _cleanup_closedir_ DIR *d = NULL;
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        int fd = fs_open_in_root(root_fd, dir, O_RDONLY | O_DIRECTORY, 0);

        *ret = NULL;
        *ret_n = 0;
        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                (void)close(fd);
                return -errno;
        }
        while ((de = readdir(d)) && n < max) {
                char **p;
                if (de->d_name[0] == '.' || (pattern && fnmatch(pattern, de->d_name, 0) != 0))
                        continue;
                p = realloc(names, (n + 1) * sizeof(*names));
                if (!p || !(p[n] = strdup(de->d_name))) {
                        fs_list_free(p ? p : names, n);
                        return -ENOMEM;
                }
                names = p;
                n++;
        }
        if (n > 1)
                qsort(names, n, sizeof(*names), cmp_names);
        *ret = names;
        *ret_n = n;
        return 0;
}

bool fs_exists(int root_fd, const char *path)
{
        int fd = fs_open_in_root(root_fd, path, O_PATH, 0);
        if (fd < 0)
                return false;
        (void)close(fd);
        return true;
}

int fs_unlink(int root_fd, const char *path)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -1;
        const char *base;
        int r = fs_split_path(path, &dir, &base);

        if (r < 0)
                return r;
        dfd = fs_open_in_root(root_fd, dir, O_PATH | O_DIRECTORY, 0);
        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return dfd;
        if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

/* Depth-first removal of what dfd holds; never follows a symlink. */
static int rm_contents(int dfd, unsigned depth)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd, r = 0;

        if (depth > 64)
                return -ELOOP;
        fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                (void)close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) == 0)
                        continue;
                if (errno == EISDIR || errno == EPERM) {
                        _cleanup_close_ int sub =
                                openat(dirfd(d), de->d_name,
                                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub < 0) {
                                r = -errno;
                                continue;
                        }
                        int k = rm_contents(sub, depth + 1);
                        if (k < 0)
                                r = k;
                        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
                                r = -errno;
                } else if (errno != ENOENT) {
                        r = -errno;
                }
        }
        return r;
}

int fs_rm_rf(int root_fd, const char *path, bool keep_top)
{
        _cleanup_close_ int fd =
                fs_open_in_root(root_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
        int r;

        if (fd == -ENOENT)
                return 0;
        if (fd == -ENOTDIR || fd == -ELOOP)
                return keep_top ? fd : fs_unlink(root_fd, path);
        if (fd < 0)
                return fd;
        r = rm_contents(fd, 0);
        if (r < 0 || keep_top)
                return r;
        {
                _cleanup_free_ char *dir = NULL;
                _cleanup_close_ int dfd = -1;
                const char *base;

                r = fs_split_path(path, &dir, &base);
                if (r < 0)
                        return r;
                dfd = fs_open_in_root(root_fd, dir, O_PATH | O_DIRECTORY, 0);
                if (dfd < 0)
                        return dfd;
                if (unlinkat(dfd, base, AT_REMOVEDIR) < 0 && errno != ENOENT)
                        return -errno;
        }
        return 0;
}

int fs_link_target(int root_fd, const char *path, char *buf, size_t size)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -1;
        struct stat lst, dst;
        const char *base;
        char target[PATH_MAX];
        ssize_t n;
        int r;

        r = fs_split_path(path, &dir, &base);
        if (r < 0)
                return r;
        dfd = fs_open_in_root(root_fd, dir, O_PATH | O_DIRECTORY, 0);
        if (dfd < 0)
                return dfd;
        if (fstatat(dfd, base, &lst, AT_SYMLINK_NOFOLLOW) < 0 || fstat(dfd, &dst) < 0)
                return -errno;
        if (!S_ISLNK(lst.st_mode))
                return -EINVAL;
        if (!resolve_link_trusted(&lst, &dst))
                return -EACCES;
        n = readlinkat(dfd, base, target, sizeof(target) - 1);
        if (n < 0)
                return -errno;
        target[n] = '\0';
        if (n == 0)
                return -EINVAL;
        if ((size_t)snprintf(buf, size, "%s%s%s", target[0] == '/' ? "" : dir,
                             target[0] == '/' || streq(dir, "/") ? "" : "/", target) >= size)
                return -ENAMETOOLONG;
        return 0;
}
