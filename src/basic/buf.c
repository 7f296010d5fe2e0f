/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded growable buffer (see buf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Keep the first failure: later appends see it. */
static int fail(struct buf *b, int r)
{
        if (!b->error)
                b->error = r;
        return r;
}

static int buf_reserve(struct buf *b, size_t extra)
{
        size_t need, ncap;
        char *p;

        if (b->error)
                return b->error;
        if (extra > b->max || b->len > b->max - extra)
                return fail(b, -E2BIG);
        need = b->len + extra + 1;
        if (need <= b->cap)
                return 0;
        ncap = b->cap ? b->cap : 64;
        while (ncap < need)
                ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
        if (ncap > b->max + 1)
                ncap = b->max + 1;
        p = realloc(b->data, ncap);
        if (!p)
                return fail(b, -ENOMEM);
        b->data = p;
        b->cap = ncap;
        return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
        /* Most appends fit in what is allocated: decided here, before
         * buf_reserve()'s limits and growth (the JSON writers append a few
         * bytes at a time, thousands of times a stage). cap never passes
         * max + 1, so what fits is within the maximum too. */
        if (b->error || n >= b->cap - b->len) {
                int r = buf_reserve(b, n);
                if (r < 0)
                        return r;
        }
        if (n)
                memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

int buf_puts(struct buf *b, const char *s)
{
        return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
        return buf_append(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return fail(b, -EINVAL);
        r = buf_reserve(b, (size_t)n);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return 0;
}

char *buf_steal(struct buf *b, size_t *ret_len)
{
        char *p;

        if (b->error) {
                buf_free_secret(b); /* what it held may be secret; it is incomplete */
                return NULL;
        }
        if (!b->data) {
                /* nothing was appended: an empty string, terminated like any other */
                if (buf_reserve(b, 0) < 0)
                        return NULL;
                b->data[0] = '\0';
        }
        p = b->data;
        if (ret_len)
                *ret_len = b->len;
        b->data = NULL;
        b->len = b->cap = 0;
        return p;
}

void buf_free(struct buf *b)
{
        free(b->data);
        b->data = NULL;
        b->len = b->cap = 0;
        b->error = 0;
}

void buf_free_secret(struct buf *b)
{
        if (b->data)
                explicit_bzero(b->data, b->cap);
        buf_free(b);
}
