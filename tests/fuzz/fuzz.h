/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the libFuzzer targets: each gets bytes and calls one parser the
 * way cloudboot calls it on input from a datasource. Logging goes nowhere:
 * the parsers' warnings are expected, crashes and sanitizer reports are not. */
#pragma once

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "yaml.h"

/* Logs into a buffer that is dropped: warnings cost nothing and say nothing. */
static inline void fuzz_quiet(void)
{
        static struct buf sink = BUF_INIT(1);
        log_capture(&sink);
        yaml_budget_reset(); /* each input is a boot of its own */
}

/* data as a NUL-terminated copy (the parsers take text with a length, but
 * some callers hand them C strings). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);
        if (s) {
                memcpy(s, data, size);
                s[size] = 0;
        }
        return s;
}

/* The target root of a process's inputs, for parsers that read files in it:
 * made on first use with the directories dirs (NULL-ended, with their
 * parents), removed with what is in it at exit (remove). Returns its fd. */
static inline int fuzz_root_op(const char *const *dirs, bool remove)
{
        static char path[] = "/tmp/fuzz-root.XXXXXX";
        static int fd = -1;

        if (remove) {
                if (fd >= 0) {
                        (void)fs_rm_rf(fd, "/", true);
                        (void)rmdir(path);
                }
                return -1;
        }
        if (fd < 0) {
                if (!mkdtemp(path))
                        abort();
                fd = fs_open_root(path);
                if (fd < 0)
                        abort();
                for (; dirs && *dirs; dirs++)
                        if (fs_mkdir_p(fd, *dirs, 0755) < 0)
                                abort();
        }
        return fd;
}

static inline void fuzz_root_remove(void)
{
        (void)fuzz_root_op(NULL, true);
}

static inline int fuzz_root(const char *const *dirs)
{
        static bool registered;

        if (!registered) {
                registered = true;
                (void)atexit(fuzz_root_remove);
        }
        return fuzz_root_op(dirs, false);
}

/* path (relative to the root) holds the input, and nothing else. */
static inline void fuzz_put(int root_fd, const char *path, const uint8_t *data, size_t size)
{
        int fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (fd < 0)
                abort();
        for (size_t off = 0; off < size;) {
                ssize_t n = write(fd, data + off, size - off);
                if (n <= 0)
                        abort();
                off += (size_t)n;
        }
        close(fd);
}
