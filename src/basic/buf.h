/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer with a maximum size fixed when it is created: every
 * append that would pass the maximum fails with -E2BIG and leaves the buffer
 * as it was. The data is always NUL-terminated for convenience. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include "macro.h"

struct buf {
        char *data;
        size_t len;
        size_t cap;
        size_t max;
};

#define BUF_INIT(maximum) ((struct buf){ .max = (maximum) })

int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) _printf_(2, 3);
/* Hand the data to the caller (NUL-terminated, never NULL) and reset the buffer. */
char *buf_steal(struct buf *b, size_t *ret_len);
void buf_free(struct buf *b);
/* Like buf_free() but wipes the contents first: for buffers that held secrets. */
void buf_free_secret(struct buf *b);
