/* Helpers shared by the cmocka unit tests: temporary target roots, files in
 * them, and the log captured so that tests can assert on messages. */
#pragma once

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "node.h"
#include "yaml.h"

struct troot {
        char path[256];
        int fd;
        struct buf log;
};

static inline void troot_make(struct troot *t)
{
        (void)snprintf(t->path, sizeof(t->path), "/tmp/cloudboot-test.XXXXXX");
        assert_non_null(mkdtemp(t->path));
        t->fd = fs_open_root(t->path);
        assert_true(t->fd >= 0);
        t->log = BUF_INIT(1u << 20);
        log_capture(&t->log);
}

static inline void troot_free(struct troot *t)
{
        log_capture(NULL);
        log_records_reset();
        buf_free(&t->log);
        assert_int_equal(fs_rm_rf(t->fd, "/", true), 0);
        (void)close(t->fd);
        (void)rmdir(t->path);
}

static inline void troot_write(struct troot *t, const char *path, const char *content)
{
        assert_int_equal(fs_write_atomic(t->fd, path, content, strlen(content), 0644, FS_NO_OWNER,
                                         (gid_t)-1),
                         0);
}

/* Contents of a file in the root (caller frees), or NULL if missing. */
static inline char *troot_read(struct troot *t, const char *path)
{
        char *data = NULL;
        if (fs_read_file(t->fd, path, 1u << 24, &data, NULL) < 0)
                return NULL;
        return data;
}

static inline void assert_file_eq(struct troot *t, const char *path, const char *want)
{
        char *got = troot_read(t, path);
        if (!got)
                fail_msg("%s is missing, expected \"%s\"", path, want);
        if (strcmp(got, want) != 0)
                fail_msg("%s holds \"%s\", expected \"%s\"", path, got, want);
        free(got);
}

static inline mode_t troot_mode(struct troot *t, const char *path)
{
        struct stat st;
        int fd = fs_open_in_root(t->fd, path, O_PATH | O_NOFOLLOW, 0);
        assert_true(fd >= 0);
        assert_int_equal(fstat(fd, &st), 0);
        (void)close(fd);
        return st.st_mode;
}

static inline void assert_log_has(struct troot *t, const char *needle)
{
        if (!t->log.data || !strstr(t->log.data, needle))
                fail_msg("log lacks \"%s\"; it holds:\n%s", needle, t->log.data ? t->log.data : "");
}

/* Parse YAML that a test knows to be valid. */
static inline struct node *test_yaml(const char *text)
{
        struct yaml_error err;
        struct node *n = NULL;
        if (yaml_load(text, strlen(text), "test.yaml", NULL, &n, &err) < 0)
                fail_msg("test YAML does not parse: %u:%u: %s", err.line, err.col, err.msg);
        return n;
}
