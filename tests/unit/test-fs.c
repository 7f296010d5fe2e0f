/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/fs.c: everything stays inside the root, writes are atomic. */
#include <dirent.h>

#include "resolve.h"
#include "testlib.h"

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

/* A FIFO where a file is read or written neither blocks nor is written
 * through: reading it is refused, writing replaces it. */
static void test_fifo_neither_blocks_nor_is_written_through(void **state)
{
        (void)state;
        struct troot t;
        char *data, path[512];
        struct stat st;
        troot_make(&t);
        assert_int_equal(mkfifoat(t.fd, "fifo", 0644), 0);
        assert_int_equal(fs_read_file(t.fd, "/fifo", 100, &data, NULL), -EINVAL);
        assert_int_equal(fs_write_atomic(t.fd, "/fifo", "x", 1, 0644, FS_NO_OWNER, (gid_t)-1), 0);
        (void)snprintf(path, sizeof(path), "%s/fifo", t.path);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        troot_free(&t);
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
                fd = resolve_open(t.fd, via[i], O_RDONLY, 0, true, false);
                assert_true(fd >= 0);
                assert_int_equal(read(fd, buf, sizeof(buf) - 1), 6);
                assert_string_equal(buf, "inside");
                close(fd);
        }
        /* beneath, without symlinks: climbing is -EXDEV, any symlink -ELOOP */
        assert_int_equal(resolve_open(t.fd, "../etc/passwd", O_RDONLY, 0, false, true), -EXDEV);
        assert_int_equal(resolve_open(t.fd, "abs/passwd", O_RDONLY, 0, false, true), -ELOOP);
        fd = resolve_open(t.fd, "etc/passwd", O_RDONLY, 0, false, true);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(resolve_open(t.fd, "loop1", O_RDONLY, 0, true, false), -ELOOP);
        assert_int_equal(resolve_open(t.fd, "abs", O_RDONLY | O_NOFOLLOW, 0, true, false), -ELOOP);
        assert_int_equal(resolve_open(t.fd, "etc/passwd/x", O_RDONLY, 0, true, false), -ENOTDIR);
        /* created through a dangling absolute symlink: inside the root */
        fd = resolve_open(t.fd, "dangling", O_WRONLY | O_CREAT, 0600, true, false);
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

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_atomic_creates_parents_mode_and_content),
                cmocka_unit_test(test_write_atomic_skips_identical_content),
                cmocka_unit_test(test_write_atomic_leaves_no_temp_file),
                cmocka_unit_test(test_absolute_symlink_resolves_inside_root),
                cmocka_unit_test(test_open_nofollow_refuses_symlinks),
                cmocka_unit_test(test_read_file_is_bounded),
                cmocka_unit_test(test_fifo_neither_blocks_nor_is_written_through),
                cmocka_unit_test(test_resolve_open_fallback_stays_inside),
                cmocka_unit_test(test_rm_rf_does_not_follow_symlinks),
                cmocka_unit_test(test_symlink_atomic_replaces),
        };
        return cmocka_run_group_tests_name("fs", tests, NULL, NULL);
}
