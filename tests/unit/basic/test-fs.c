/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/fs.c: everything stays inside the root, writes are atomic. */
#include <dirent.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "resolve.h"
#include "testlib.h"

/* Linked with -Wl,--wrap=fsync,--wrap=read (Makefile.am): every fsync and
 * read of fs.c counts. */
int __real_fsync(int fd);
int __wrap_fsync(int fd);
static unsigned fsyncs;
int __wrap_fsync(int fd)
{
        fsyncs++;
        return __real_fsync(fd);
}
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);
static unsigned reads;
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
        reads++;
        return __real_read(fd, buf, n);
}

/* Swaps: renameat2(2) with RENAME_EXCHANGE. */
int __real_renameat2(int ofd, const char *o, int nfd, const char *n, unsigned flags);
int __wrap_renameat2(int ofd, const char *o, int nfd, const char *n, unsigned flags);
static unsigned swaps;
int __wrap_renameat2(int ofd, const char *o, int nfd, const char *n, unsigned flags)
{
        if (flags & RENAME_EXCHANGE)
                swaps++;
        return __real_renameat2(ofd, o, nfd, n, flags);
}

/* Every open the code under test makes: openat(2) from libc, openat2(2)
 * through syscall(2). */
int __real_openat(int dfd, const char *path, int flags, ...);
int __wrap_openat(int dfd, const char *path, int flags, ...);
static unsigned opens;
int __wrap_openat(int dfd, const char *path, int flags, ...)
{
        va_list ap;
        mode_t mode;

        va_start(ap, flags);
        mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
        va_end(ap);
        opens++;
        return __real_openat(dfd, path, flags, mode);
}
TEST_COUNT_OPENAT2(opens)

static void test_write_atomic_creates_parents_mode_and_content(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(
                fs_write_atomic(t.fd, "/a/b/c.txt", "hi\n", 3, 0640, FS_NO_OWNER, (gid_t)-1), 0);
        assert_file_eq(&t, "/a/b/c.txt", "hi\n");
        assert_int_equal(troot_mode(&t, "/a/b/c.txt") & 07777, 0640);
        assert_int_equal(troot_mode(&t, "/a/b") & 07777, 0755);
        /* replaced, never appended, and the mode follows the new write */
        assert_int_equal(fs_write_atomic(t.fd, "/a/b/c.txt", "x", 1, 0600, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_file_eq(&t, "/a/b/c.txt", "x");
        assert_int_equal(troot_mode(&t, "/a/b/c.txt") & 07777, 0600);
        troot_free(&t);
}

static void test_write_atomic_skips_identical_content(void **state)
{
        (void)state;
        struct troot t;
        struct stat a, b;
        char path[300];
        troot_make(&t);
        (void)snprintf(path, sizeof(path), "%s/f", t.path);
        troot_write(&t, "/f", "same");
        assert_int_equal(stat(path, &a), 0);
        troot_write(&t, "/f", "same");
        assert_int_equal(stat(path, &b), 0);
        /* not replaced: the same inode */
        assert_int_equal(a.st_ino, b.st_ino);
        /* a different mode is a change */
        assert_int_equal(fs_write_atomic(t.fd, "/f", "same", 4, 0600, FS_NO_OWNER, (gid_t)-1), 0);
        assert_int_equal(stat(path, &b), 0);
        assert_int_not_equal(a.st_ino, b.st_ino);
        assert_int_equal(b.st_mode & 07777, 0600);
        /* so is different content of the same size */
        troot_write(&t, "/f", "diff");
        assert_file_eq(&t, "/f", "diff");
        troot_free(&t);
}

/* What a write costs in opens: nothing there, or a file that differs in
 * size, mode or owner, is replaced without opening it (the directory, the
 * unnamed new file); a file that may hold the same is opened to compare. */
static void test_write_atomic_opens_only_what_may_be_unchanged(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/d/f", "one");

        opens = 0; /* new file: the directory, the new file */
        assert_int_equal(fs_write_atomic(t.fd, "/d/g", "x", 1, 0644, FS_NO_OWNER, (gid_t)-1), 0);
        assert_opens(opens, 2);
        opens = 0; /* another size */
        assert_int_equal(fs_write_atomic(t.fd, "/d/f", "three", 5, 0644, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_opens(opens, 2);
        assert_file_eq(&t, "/d/f", "three");
        opens = 0; /* another mode */
        assert_int_equal(fs_write_atomic(t.fd, "/d/f", "three", 5, 0600, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_opens(opens, 2);
        assert_int_equal(troot_mode(&t, "/d/f") & 07777, 0600);
        opens = 0; /* the same size and mode: read to compare, and left alone */
        assert_int_equal(fs_write_atomic(t.fd, "/d/f", "three", 5, 0600, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_opens(opens, 2);
        opens = 0; /* the same size, other bytes: read, then replaced */
        assert_int_equal(fs_write_atomic(t.fd, "/d/f", "thre3", 5, 0600, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_opens(opens, 3);
        assert_file_eq(&t, "/d/f", "thre3");
        troot_free(&t);
}

/* Missing directories are made from the deepest one there is: one level
 * missing costs the failed open, the parent, the new directory; each made
 * with the mode asked; through a root-owned link (/var/run -> /run) as
 * before. */
static void test_mkdir_private(void **state)
{
        (void)state;
        struct troot t;
        char path[300];
        troot_make(&t);
        /* made with its parents, 0700 */
        assert_int_equal(fs_mkdir_private(t.fd, "/run/p/q"), 0);
        assert_int_equal(troot_mode(&t, "/run/p/q") & 07777, 0700);
        assert_int_equal(troot_mode(&t, "/run/p") & 07777, 0700);
        /* found wider open: narrowed */
        assert_int_equal(fs_mkdir_p(t.fd, "/run/wide", 0755), 0);
        (void)snprintf(path, sizeof(path), "%s/run/wide", t.path);
        assert_int_equal(chmod(path, 0777), 0);
        assert_int_equal(fs_mkdir_private(t.fd, "/run/wide"), 0);
        assert_int_equal(troot_mode(&t, "/run/wide") & 07777, 0700);
        /* a link at its end is not followed, and what it names is left */
        (void)snprintf(path, sizeof(path), "%s/run/link", t.path);
        assert_int_equal(symlink("/run/wide", path), 0);
        (void)snprintf(path, sizeof(path), "%s/run/wide", t.path);
        assert_int_equal(chmod(path, 0755), 0);
        assert_true(fs_mkdir_private(t.fd, "/run/link") < 0);
        assert_int_equal(troot_mode(&t, "/run/wide") & 07777, 0755);
        /* someone else's: refused, left as it is */
        if (geteuid() == 0) {
                assert_int_equal(chown(path, 1000, 1000), 0);
                assert_int_equal(fs_mkdir_private(t.fd, "/run/wide"), -EPERM);
                assert_int_equal(troot_mode(&t, "/run/wide") & 07777, 0755);
        }
        troot_free(&t);
}

static void test_mkdir_p_starts_from_the_deepest_there(void **state)
{
        (void)state;
        struct troot t;
        char link[300];
        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/run", 0755), 0);

        opens = 0;
        assert_int_equal(fs_mkdir_p(t.fd, "/run/cloud-init", 0700), 0);
        assert_opens(opens, 3);
        assert_int_equal(troot_mode(&t, "/run/cloud-init") & 07777, 0700);
        opens = 0; /* there: one open */
        assert_int_equal(fs_mkdir_p(t.fd, "/run/cloud-init", 0700), 0);
        assert_opens(opens, 1);
        /* a write into a missing directory opens it once, made */
        opens = 0;
        assert_int_equal(fs_write_atomic(t.fd, "/run/new/f", "x", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_opens(opens, 4);
        assert_file_eq(&t, "/run/new/f", "x");
        /* several levels, trailing and doubled slashes */
        assert_int_equal(fs_mkdir_p(t.fd, "//a/b//c/d/", 0750), 0);
        assert_int_equal(troot_mode(&t, "/a/b/c/d") & 07777, 0750);
        assert_int_equal(troot_mode(&t, "/a") & 07777, 0750);
        /* through a trusted link: made at its target, inside the root */
        (void)snprintf(link, sizeof(link), "%s/var", t.path);
        assert_int_equal(mkdir(link, 0755), 0);
        (void)snprintf(link, sizeof(link), "%s/var/run", t.path);
        assert_int_equal(symlink("/run", link), 0);
        assert_int_equal(fs_mkdir_p(t.fd, "/var/run/x/y", 0755), 0);
        assert_true(S_ISDIR(troot_mode(&t, "/run/x/y")));
        /* a component that is a file, and ".." where one must be made */
        troot_write(&t, "/file", "x");
        assert_int_equal(fs_mkdir_p(t.fd, "/file/sub", 0755), -ENOTDIR);
        assert_int_equal(fs_mkdir_p(t.fd, "/m/../n", 0755), -EINVAL);
        troot_free(&t);
}

static void test_write_atomic_leaves_no_temp_file(void **state)
{
        (void)state;
        struct troot t;
        char dir[300];
        DIR *d;
        struct dirent *de;
        int n = 0;
        troot_make(&t);
        troot_write(&t, "/d/f", "1");
        troot_write(&t, "/d/f", "2");
        (void)snprintf(dir, sizeof(dir), "%s/d", t.path);
        d = opendir(dir);
        assert_non_null(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")))
                        n++;
        closedir(d);
        assert_int_equal(n, 1);
        troot_free(&t);
}

/* A durable write syncs the file and then its directory; a file of one boot
 * (fs_write_boot) is replaced whole the same way but synced never. */
static void test_write_boot_replaces_without_fsync(void **state)
{
        (void)state;
        struct troot t;
        struct stat a, b;
        char path[300], buf[16];
        struct dirent *de;
        DIR *d;
        int old;
        troot_make(&t);
        (void)snprintf(path, sizeof(path), "%s/var/lib/cloud/data/status.json", t.path);

        fsyncs = 0;
        assert_int_equal(fs_write_atomic(t.fd, "/durable", "d", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_int_equal(fsyncs, 2);
        /* what is under /run lasts one boot (a tmpfs): never synced */
        fsyncs = 0;
        assert_int_equal(fs_write_atomic(t.fd, "/run/cloud-init/f", "r", 1, 0600, FS_NO_OWNER,
                                         (gid_t)-1),
                         0);
        assert_file_eq(&t, "/run/cloud-init/f", "r");
        assert_int_equal(troot_mode(&t, "/run/cloud-init/f") & 07777, 0600);
        assert_int_equal(fsyncs, 0);
        assert_int_equal(fs_write_atomic(t.fd, "/runner/f", "r", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_int_equal(fsyncs, 2);

        fsyncs = 0;
        assert_int_equal(fs_write_boot(t.fd, "/var/lib/cloud/data/status.json", "one\n", 4, 0644),
                         0);
        assert_file_eq(&t, "/var/lib/cloud/data/status.json", "one\n");
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/data/status.json") & 07777, 0644);
        assert_int_equal(stat(path, &a), 0);
        old = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(old >= 0);
        swaps = 0;
        assert_int_equal(fs_write_boot(t.fd, "/var/lib/cloud/data/status.json", "two!\n", 5, 0600),
                         0);
        assert_file_eq(&t, "/var/lib/cloud/data/status.json", "two!\n");
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/data/status.json") & 07777, 0600);
        /* a new file was swapped in, never written through: the old one,
         * whole, is unlinked, and no temporary name is left */
        assert_int_equal(swaps, 1);
        assert_int_equal(stat(path, &b), 0);
        assert_int_not_equal(a.st_ino, b.st_ino);
        assert_int_equal(fstat(old, &b), 0);
        assert_int_equal(b.st_nlink, 0);
        assert_int_equal(pread(old, buf, sizeof(buf), 0), 4);
        assert_memory_equal(buf, "one\n", 4);
        (void)close(old);
        (void)snprintf(path, sizeof(path), "%s/var/lib/cloud/data", t.path);
        d = opendir(path);
        assert_non_null(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        assert_string_equal(de->d_name, "status.json");
                else
                        assert_true(streq(de->d_name, ".") || streq(de->d_name, ".."));
        closedir(d);
        assert_int_equal(fsyncs, 0);
        /* a durable write renames (its data is on disk already); a file of
         * one boot over a directory or a symlink is not swapped with it */
        assert_int_equal(fs_write_atomic(t.fd, "/durable", "e", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_file_eq(&t, "/durable", "e");
        assert_int_equal(fs_mkdir_p(t.fd, "/adir", 0755), 0);
        assert_int_equal(fs_write_boot(t.fd, "/adir", "x", 1, 0644), -EISDIR);
        assert_true(S_ISDIR(troot_mode(&t, "/adir")));
        (void)snprintf(path, sizeof(path), "%s/alink", t.path);
        assert_int_equal(symlink("durable", path), 0);
        assert_int_equal(fs_write_boot(t.fd, "/alink", "y", 1, 0644), 0);
        assert_file_eq(&t, "/alink", "y");
        assert_file_eq(&t, "/durable", "e");
        assert_int_equal(swaps, 1);
        /* the rules of fs_write_atomic hold: a FIFO is not written into */
        (void)snprintf(path, sizeof(path), "%s/fifo", t.path);
        assert_int_equal(mkfifo(path, 0644), 0);
        assert_int_equal(fs_write_boot(t.fd, "/fifo", "x", 1, 0644), -EINVAL);
        troot_free(&t);
}

static void test_absolute_symlink_resolves_inside_root(void **state)
{
        (void)state;
        struct troot t;
        char link[300], outside[300];
        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/etc", 0755), 0);
        /* /evil -> /etc (absolute): must mean ROOT/etc, never the host's /etc */
        (void)snprintf(link, sizeof(link), "%s/evil", t.path);
        assert_int_equal(symlink("/etc", link), 0);
        assert_int_equal(fs_write_atomic(t.fd, "/evil/cloudboot-test-marker", "x", 1, 0644,
                                         FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_file_eq(&t, "/etc/cloudboot-test-marker", "x");
        assert_int_equal(access("/etc/cloudboot-test-marker", F_OK), -1);
        /* .. cannot climb out either */
        assert_int_equal(
                fs_write_atomic(t.fd, "/../../dotdot", "y", 1, 0644, FS_NO_OWNER, (gid_t)-1), 0);
        assert_file_eq(&t, "/dotdot", "y");
        (void)snprintf(outside, sizeof(outside), "%s/../dotdot", t.path);
        assert_int_equal(access(outside, F_OK), -1);
        troot_free(&t);
}

static void test_open_nofollow_refuses_symlinks(void **state)
{
        (void)state;
        struct troot t;
        char link[300];
        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/home/u", 0755), 0);
        (void)snprintf(link, sizeof(link), "%s/home/u/.ssh", t.path);
        assert_int_equal(symlink("/etc", link), 0);
        assert_int_equal(fs_open_nofollow(t.fd, "/home/u/.ssh", O_RDONLY | O_DIRECTORY, 0), -ELOOP);
        troot_free(&t);
}

static void test_read_file_is_bounded(void **state)
{
        (void)state;
        struct troot t;
        char *data;
        size_t len;
        troot_make(&t);
        troot_write(&t, "/f", "0123456789");
        assert_int_equal(fs_read_file(t.fd, "/f", 10, &data, &len), 0);
        assert_int_equal(len, 10);
        free(data);
        assert_int_equal(fs_read_file(t.fd, "/f", 9, &data, &len), -E2BIG);
        assert_int_equal(fs_read_file(t.fd, "/missing", 9, &data, &len), -ENOENT);
        troot_free(&t);
}

/* A regular file is read in one read() when it holds what fstat says; an
 * empty one, and a procfs file (which says 0 bytes), are read to their
 * end. */
static void test_read_file_reads_once(void **state)
{
        (void)state;
        struct troot t;
        char *data;
        size_t len;
        int host;

        troot_make(&t);
        troot_write(&t, "/f", "0123456789");
        troot_write(&t, "/empty", "");
        reads = 0;
        assert_int_equal(fs_read_file(t.fd, "/f", 100, &data, &len), 0);
        assert_int_equal(reads, 1);
        assert_int_equal(len, 10);
        assert_memory_equal(data, "0123456789", 11);
        free(data);
        reads = 0;
        assert_int_equal(fs_read_file(t.fd, "/empty", 100, &data, &len), 0);
        assert_int_equal(reads, 1);
        assert_int_equal(len, 0);
        free(data);
        host = fs_open_root("/");
        assert_true(host >= 0);
        reads = 0;
        assert_int_equal(fs_read_file(host, "/proc/self/status", 1 << 20, &data, &len), 0);
        assert_true(reads >= 2);
        assert_non_null(strstr(data, "Name:"));
        assert_int_equal(data[len - 1], '\n'); /* whole, to its last line */
        free(data);
        (void)close(host);
        troot_free(&t);
}

/* A FIFO, socket or device where a file is read or written neither blocks
 * nor is written through nor replaced: both are refused, the node stays. */
static void test_fifo_neither_blocks_nor_is_written_through(void **state)
{
        (void)state;
        struct troot t;
        char *data, path[512];
        struct stat st;
        troot_make(&t);
        assert_int_equal(mkfifoat(t.fd, "fifo", 0644), 0);
        assert_int_equal(fs_read_file(t.fd, "/fifo", 100, &data, NULL), -EINVAL);
        assert_int_equal(fs_read_regular(t.fd, "/fifo", 100, &data, NULL), -EINVAL);
        assert_int_equal(fs_write_atomic(t.fd, "/fifo", "x", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                         -EINVAL);
        (void)snprintf(path, sizeof(path), "%s/fifo", t.path);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISFIFO(st.st_mode));
        assert_int_equal(fs_stat(t.fd, "/fifo", true, &st), 0);
        assert_string_equal(fs_type_name(st.st_mode), "a FIFO");
        /* a character device (a null device, made where we may) */
        if (mknodat(t.fd, "null", S_IFCHR | 0666, makedev(1, 3)) == 0) {
                assert_int_equal(fs_read_regular(t.fd, "/null", 100, &data, NULL), -EINVAL);
                assert_int_equal(
                        fs_write_atomic(t.fd, "/null", "x", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                        -EINVAL);
                (void)snprintf(path, sizeof(path), "%s/null", t.path);
                assert_int_equal(lstat(path, &st), 0);
                assert_true(S_ISCHR(st.st_mode));
        }
        troot_free(&t);
}

/* Make path (in t) a symlink to target owned by uid:gid, in a directory of
 * mode dmode owned by duid. */
static void make_link(struct troot *t, const char *dir, uid_t duid, mode_t dmode, const char *name,
                      const char *target, uid_t uid)
{
        char d[512], l[600];
        (void)snprintf(d, sizeof(d), "%s%s", t->path, dir);
        assert_int_equal(mkdir(d, 0755), 0);
        assert_int_equal(chown(d, duid, duid), 0);
        assert_int_equal(chmod(d, dmode), 0);
        (void)snprintf(l, sizeof(l), "%s/%s", d, name);
        assert_int_equal(symlink(target, l), 0);
        assert_int_equal(lchown(l, uid, uid), 0);
}

/* fs.protected_symlinks, strict: a link a user owns, or one in a directory a
 * user can write, is not followed, on the way or at the end, by openat2's
 * fast path or the walk; the image's own links (root's, in root's
 * directories, or in sticky root directories) are. */
static void test_user_symlinks_are_not_followed(void **state)
{
        (void)state;
        struct troot t;
        char *data;
        struct stat st;
        int fd;
        if (geteuid() != 0) {
                skip();
                return;
        }
        troot_make(&t);
        troot_write(&t, "/etc/shadow", "secret");
        make_link(&t, "/home", 0, 0755, "u", "/etc", 1000); /* user's link */
        make_link(&t, "/h2", 1000, 0755, "cfg", "/etc", 0); /* root's, user's dir */
        make_link(&t, "/ww", 0, 0777, "cfg", "/etc", 0); /* world-writable dir */
        make_link(&t, "/tmp", 0, 01777, "cfg", "/etc", 0); /* sticky, root's: ok */
        make_link(&t, "/tmp2", 0, 01777, "cfg", "/etc", 1000); /* sticky, user's link */
        make_link(&t, "/img", 0, 0755, "cfg", "/etc", 0); /* the image's own: ok */
        make_link(&t, "/grp", 0, 0775, "cfg", "/etc", 0); /* group 0 may write: ok */
        for (int walk = 0; walk < 2; walk++) {
                static const char *const refused[] = { "/home/u/shadow", "/h2/cfg/shadow",
                                                       "/ww/cfg/shadow", "/tmp2/cfg/shadow",
                                                       "/home/u",        "/h2/cfg" };
                static const char *const followed[] = { "/tmp/cfg/shadow", "/img/cfg/shadow",
                                                        "/grp/cfg/shadow" };
                for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                        fd = walk ? resolve_open(t.fd, refused[i], O_RDONLY, 0,
                                                 RESOLVE_WALK_IN_ROOT | RESOLVE_WALK_SAFE_LINKS)
                                  : fs_open_in_root(t.fd, refused[i], O_RDONLY, 0);
                        if (fd != -EACCES)
                                fail_msg("%s: %d, expected -EACCES (walk %d)", refused[i], fd,
                                         walk);
                }
                for (size_t i = 0; i < ELEMENTSOF(followed); i++) {
                        fd = walk ? resolve_open(t.fd, followed[i], O_RDONLY, 0,
                                                 RESOLVE_WALK_IN_ROOT | RESOLVE_WALK_SAFE_LINKS)
                                  : fs_open_in_root(t.fd, followed[i], O_RDONLY, 0);
                        if (fd < 0)
                                fail_msg("%s: %d, expected it opened (walk %d)", followed[i], fd,
                                         walk);
                        close(fd);
                }
        }
        /* the link itself may still be looked at, not through */
        assert_int_equal(fs_stat(t.fd, "/home/u", false, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(fs_read_file(t.fd, "/home/u/shadow", 100, &data, NULL), -EACCES);
        /* nothing is created through a user's directory link */
        assert_int_equal(fs_write_atomic(t.fd, "/home/u/new", "x", 1, 0644, FS_NO_OWNER, (gid_t)-1),
                         -EACCES);
        assert_int_equal(fs_mkdir_p(t.fd, "/home/u/sub/dir", 0755), -EACCES);
        assert_false(fs_exists(t.fd, "/etc/new"));
        assert_false(fs_exists(t.fd, "/etc/sub"));
        troot_free(&t);
}

/* The rule itself, on stat buffers. */
static void test_link_trust_rule(void **state)
{
        (void)state;
        struct stat l = { .st_uid = 0, .st_mode = S_IFLNK | 0777 };
        struct stat d = { .st_uid = 0, .st_gid = 0, .st_mode = S_IFDIR | 0755 };
        uid_t other = geteuid() == 1000 ? 1001 : 1000;
        assert_true(resolve_link_trusted(&l, &d));
        d.st_mode = S_IFDIR | 0757;
        assert_false(resolve_link_trusted(&l, &d));
        d.st_mode = S_IFDIR | 01777;
        assert_true(resolve_link_trusted(&l, &d));
        d.st_uid = other;
        assert_false(resolve_link_trusted(&l, &d)); /* sticky, but the dir is a user's */
        d.st_mode = S_IFDIR | 0555;
        assert_true(resolve_link_trusted(&l, &d)); /* the user's, but no one may write it */
        d = (struct stat){ .st_uid = 0, .st_gid = other, .st_mode = S_IFDIR | 0775 };
        assert_false(resolve_link_trusted(&l, &d)); /* a user group may write */
        d.st_mode = S_IFDIR | 0755;
        l.st_uid = other;
        assert_false(resolve_link_trusted(&l, &d));
}

/* The user-space fallback for kernels without openat2 confines as openat2
 * does: absolute and climbing symlinks and ".." stay inside the root. */
static void test_resolve_open_fallback_stays_inside(void **state)
{
        (void)state;
        struct troot t;
        char path[512], buf[16] = "";
        int fd;
        troot_make(&t);
        troot_write(&t, "/etc/passwd", "inside");
        assert_int_equal(symlinkat("/etc", t.fd, "abs"), 0);
        assert_int_equal(symlinkat("../../../../etc", t.fd, "up"), 0);
        assert_int_equal(symlinkat("loop2", t.fd, "loop1"), 0);
        assert_int_equal(symlinkat("loop1", t.fd, "loop2"), 0);
        assert_int_equal(symlinkat("/new-file", t.fd, "dangling"), 0);
        for (int i = 0; i < 4; i++) {
                static const char *const via[] = { "abs/passwd", "up/passwd", "/../../etc/passwd",
                                                   "etc/../../etc/./passwd" };
                fd = resolve_open(t.fd, via[i], O_RDONLY, 0, RESOLVE_WALK_IN_ROOT);
                assert_true(fd >= 0);
                assert_int_equal(read(fd, buf, sizeof(buf) - 1), 6);
                assert_string_equal(buf, "inside");
                close(fd);
        }
        /* beneath, without symlinks: climbing is -EXDEV, any symlink -ELOOP */
        assert_int_equal(resolve_open(t.fd, "../etc/passwd", O_RDONLY, 0, RESOLVE_WALK_NO_SYMLINKS),
                         -EXDEV);
        assert_int_equal(resolve_open(t.fd, "abs/passwd", O_RDONLY, 0, RESOLVE_WALK_NO_SYMLINKS),
                         -ELOOP);
        fd = resolve_open(t.fd, "etc/passwd", O_RDONLY, 0, RESOLVE_WALK_NO_SYMLINKS);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(resolve_open(t.fd, "loop1", O_RDONLY, 0, RESOLVE_WALK_IN_ROOT), -ELOOP);
        assert_int_equal(resolve_open(t.fd, "abs", O_RDONLY | O_NOFOLLOW, 0, RESOLVE_WALK_IN_ROOT),
                         -ELOOP);
        assert_int_equal(resolve_open(t.fd, "etc/passwd/x", O_RDONLY, 0, RESOLVE_WALK_IN_ROOT),
                         -ENOTDIR);
        /* created through a dangling absolute symlink: inside the root */
        fd = resolve_open(t.fd, "dangling", O_WRONLY | O_CREAT, 0600, RESOLVE_WALK_IN_ROOT);
        assert_true(fd >= 0);
        close(fd);
        (void)snprintf(path, sizeof(path), "%s/new-file", t.path);
        assert_int_equal(access(path, F_OK), 0);
        troot_free(&t);
}

static void test_rm_rf_does_not_follow_symlinks(void **state)
{
        (void)state;
        struct troot t, other;
        char link[300];
        troot_make(&t);
        troot_make(&other);
        troot_write(&other, "/keep", "k");
        troot_write(&t, "/tree/a/b", "1");
        (void)snprintf(link, sizeof(link), "%s/tree/a/l", t.path);
        assert_int_equal(symlink(other.path, link), 0);
        assert_int_equal(fs_rm_rf(t.fd, "/tree", false), 0);
        assert_false(fs_exists(t.fd, "/tree"));
        assert_file_eq(&other, "/keep", "k");
        troot_free(&other);
        troot_free(&t);
}

static void test_symlink_atomic_replaces(void **state)
{
        (void)state;
        struct troot t;
        char buf[64], link[300];
        ssize_t n;
        troot_make(&t);
        assert_int_equal(fs_symlink_atomic(t.fd, "/a", "/var/l"), 0);
        assert_int_equal(fs_symlink_atomic(t.fd, "/b", "/var/l"), 0);
        (void)snprintf(link, sizeof(link), "%s/var/l", t.path);
        n = readlink(link, buf, sizeof(buf) - 1);
        assert_int_equal(n, 2);
        buf[n] = '\0';
        assert_string_equal(buf, "/b");
        troot_free(&t);
}

/* A link that already names the target is left alone (the same inode, no
 * temporary left); a prefix of the target is not the target. */
static void test_symlink_atomic_keeps_same(void **state)
{
        (void)state;
        struct troot t;
        char link[300], buf[64];
        struct stat a, b;
        ssize_t n;
        troot_make(&t);
        (void)snprintf(link, sizeof(link), "%s/var/l", t.path);
        assert_int_equal(fs_symlink_atomic(t.fd, "/target", "/var/l"), 0);
        assert_int_equal(lstat(link, &a), 0);
        assert_int_equal(fs_symlink_atomic(t.fd, "/target", "/var/l"), 0);
        assert_int_equal(lstat(link, &b), 0);
        assert_true(a.st_ino == b.st_ino);
        assert_int_equal(fs_symlink_atomic(t.fd, "/targetx", "/var/l"), 0);
        assert_int_equal(lstat(link, &b), 0);
        assert_true(a.st_ino != b.st_ino);
        n = readlink(link, buf, sizeof(buf) - 1);
        assert_int_equal(n, 8);
        buf[n] = '\0';
        assert_string_equal(buf, "/targetx");
        troot_free(&t);
}

/* fs_link_target(): root's link in root's directory gives its target inside
 * the root (relative ones joined to the directory); a user's link, or one in
 * a directory a user can write, is refused; a file is not a link. */
static void test_link_target_trusted_only(void **state)
{
        (void)state;
        struct troot t;
        char buf[256];
        troot_make(&t);
        make_link(&t, "/d", 0, 0755, "rel", "../x/conf", 0);
        assert_int_equal(symlinkat("/etc/abs", t.fd, "d/abs"), 0);
        make_link(&t, "/u", 0, 0755, "l", "/etc/x", 1000);
        make_link(&t, "/w", 1000, 0755, "l", "/etc/x", 0);
        troot_write(&t, "/d/file", "x\n");
        assert_int_equal(fs_link_target(t.fd, "/d/rel", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "/d/../x/conf");
        assert_int_equal(fs_link_target(t.fd, "/d/abs", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "/etc/abs");
        assert_int_equal(fs_link_target(t.fd, "/u/l", buf, sizeof(buf)), -EACCES);
        assert_int_equal(fs_link_target(t.fd, "/w/l", buf, sizeof(buf)), -EACCES);
        assert_int_equal(fs_link_target(t.fd, "/d/file", buf, sizeof(buf)), -EINVAL);
        assert_int_equal(fs_link_target(t.fd, "/d/rel", buf, 4), -ENAMETOOLONG);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_link_target_trusted_only),
                cmocka_unit_test(test_mkdir_private),
                cmocka_unit_test(test_write_atomic_creates_parents_mode_and_content),
                cmocka_unit_test(test_write_atomic_skips_identical_content),
                cmocka_unit_test(test_write_atomic_opens_only_what_may_be_unchanged),
                cmocka_unit_test(test_mkdir_p_starts_from_the_deepest_there),
                cmocka_unit_test(test_write_atomic_leaves_no_temp_file),
                cmocka_unit_test(test_write_boot_replaces_without_fsync),
                cmocka_unit_test(test_absolute_symlink_resolves_inside_root),
                cmocka_unit_test(test_open_nofollow_refuses_symlinks),
                cmocka_unit_test(test_read_file_is_bounded),
                cmocka_unit_test(test_read_file_reads_once),
                cmocka_unit_test(test_fifo_neither_blocks_nor_is_written_through),
                cmocka_unit_test(test_resolve_open_fallback_stays_inside),
                cmocka_unit_test(test_rm_rf_does_not_follow_symlinks),
                cmocka_unit_test(test_symlink_atomic_replaces),
                cmocka_unit_test(test_symlink_atomic_keeps_same),
                cmocka_unit_test(test_user_symlinks_are_not_followed),
                cmocka_unit_test(test_link_trust_rule),
        };
        return cmocka_run_group_tests_name("fs", tests, NULL, NULL);
}
