/* SPDX-License-Identifier: Apache-2.0 */
/* Ownership and small utility macros shared by every file: cleanup attributes,
 * TAKE_PTR/TAKE_FD, array sizes. Nothing here allocates. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))

/* Hand ownership on: returns the value and leaves NULL (or -1) behind, so the
 * cleanup attribute of the old owner becomes a no-op. */
#define TAKE_PTR(p)                                                                                \
        ({                                                                                         \
                typeof(p) _tp = (p);                                                               \
                (p) = NULL;                                                                        \
                _tp;                                                                               \
        })
#define TAKE_FD(fd)                                                                                \
        ({                                                                                         \
                int _tfd = (fd);                                                                   \
                (fd) = -1;                                                                         \
                _tfd;                                                                              \
        })

static inline void freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                (void)close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
        if (*f)
                (void)fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d)
{
        if (*d)
                (void)closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Wipe a buffer that held a secret before it is freed. */
static inline void free_secret(char *s, size_t len)
{
        if (s) {
                explicit_bzero(s, len);
                free(s);
        }
}

static inline bool streq_ptr(const char *a, const char *b)
{
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}
#define streq(a, b) (strcmp((a), (b)) == 0)

static inline bool startswith(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static inline bool endswith(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static inline const char *strna(const char *s)
{
        return s ? s : "n/a";
}
