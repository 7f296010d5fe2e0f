/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer with a maximum size fixed when it is created: every
 * append that would pass the maximum fails with -E2BIG and leaves the buffer
 * as it was. The data is always NUL-terminated for convenience.
 *
 * The first failure (-E2BIG, -ENOMEM) is sticky, as curl's dynbuf: every
 * later append is a no-op returning it, and buf_error() says so. Callers
 * build a whole text without checking each append, then check once where
 * the buffer becomes a file or a message (fs_write_buf() refuses a buffer in
 * error): a failed append never yields a truncated file that is installed. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include "macro.h"

struct buf {
        char *data;
        size_t len;
        size_t cap;
        size_t max;
        int error; /* the first failure, kept; 0 while none */
};

#define BUF_INIT(maximum) ((struct buf){ .max = (maximum) })

int buf_append(struct buf *b, const void *p, size_t n);
/* The first append that failed (a negative errno), or 0. */
static inline int buf_error(const struct buf *b)
{
        return b->error;
}
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) _printf_(2, 3);
/* Hand the data to the caller (NUL-terminated) and reset the buffer. NULL
 * when an append failed (the data is incomplete; it is freed) or on ENOMEM. */
char *buf_steal(struct buf *b, size_t *ret_len);
/* Free the data; the buffer is empty and without error, ready for reuse. */
void buf_free(struct buf *b);
/* Like buf_free() but wipes the contents first: for buffers that held secrets. */
void buf_free_secret(struct buf *b);
