/* SPDX-License-Identifier: Apache-2.0 */
/* base64 and gzip (see codec.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "codec.h"
#include "dynlib.h"
#include "macro.h"

static int b64_value(unsigned char c, bool urlsafe)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+' || (urlsafe && c == '-'))
                return 62;
        if (c == '/' || (urlsafe && c == '_'))
                return 63;
        return -1;
}

static bool b64_space(unsigned char c)
{
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

int b64_decode(const char *in, size_t len, size_t max, char **ret, size_t *ret_len)
{
        _cleanup_free_ char *out = NULL;
        uint32_t acc = 0;
        size_t o = 0, bits = 0, pad = 0;

        if (len / 4 * 3 > max + 3)
                return -E2BIG;
        out = malloc(len / 4 * 3 + 4);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)in[i];
                int v;

                if (b64_space(c))
                        continue;
                if (c == '=') {
                        pad++;
                        continue;
                }
                v = b64_value(c, /* urlsafe= */ true);
                if (v < 0 || pad)
                        return -EBADMSG; /* garbage, or data after padding */
                acc = (acc << 6) | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        /* A lone 6-bit group cannot encode a byte; leftover bits must be zero. */
        if (bits >= 6 || (acc & ((1u << bits) - 1)) || pad > 2)
                return -EBADMSG;
        if (o > max)
                return -E2BIG;
        out[o] = '\0';
        *ret_len = o;
        *ret = TAKE_PTR(out);
        return 0;
}

/* Python's binascii.a2b_base64 in its default (non-strict) mode, which
 * base64.b64decode() and PyYAML's !!binary use: a character outside the
 * standard alphabet (whitespace, '-', '_', anything) is discarded; padding
 * ends the data once the group of four is complete (what follows is
 * ignored); a '=' too early is discarded; a group left incomplete is an
 * error ("Incorrect padding"), and so is a text that is not ASCII. */
int b64_decode_lenient(const char *in, size_t len, size_t max, char **ret, size_t *ret_len,
                       size_t *ret_skipped)
{
        _cleanup_free_ char *out = NULL;
        size_t o = 0, skipped = 0, i;
        unsigned quad = 0, pads = 0, left = 0;

        if (len / 4 * 3 > max + 3)
                return -E2BIG;
        out = malloc(len / 4 * 3 + 4);
        if (!out)
                return -ENOMEM;
        for (i = 0; i < len; i++) {
                unsigned char c = (unsigned char)in[i];
                int v;

                if (c >= 0x80)
                        return -EBADMSG; /* b64decode() wants ASCII text */
                if (c == '=') {
                        if (quad >= 2 && quad + ++pads >= 4)
                                break;
                        continue;
                }
                v = b64_value(c, /* urlsafe= */ false);
                if (v < 0) {
                        skipped += !b64_space(c);
                        continue;
                }
                pads = 0;
                switch (quad) {
                case 0:
                        left = (unsigned)v;
                        break;
                case 1:
                        out[o++] = (char)((left << 2) | ((unsigned)v >> 4));
                        left = (unsigned)v & 0x0f;
                        break;
                case 2:
                        out[o++] = (char)((left << 4) | ((unsigned)v >> 2));
                        left = (unsigned)v & 0x03;
                        break;
                default:
                        out[o++] = (char)((left << 6) | (unsigned)v);
                        left = 0;
                }
                quad = (quad + 1) % 4;
        }
        if (i == len && quad != 0)
                return -EBADMSG; /* 1 more than a multiple of 4, or incorrect padding */
        /* what follows the padding is ignored: count it unless it is blank */
        for (i++; i < len; i++) {
                if ((unsigned char)in[i] >= 0x80)
                        return -EBADMSG;
                skipped += !b64_space((unsigned char)in[i]);
        }
        if (o > max)
                return -E2BIG;
        out[o] = '\0';
        *ret_len = o;
        *ret = TAKE_PTR(out);
        if (ret_skipped)
                *ret_skipped = skipped;
        return 0;
}

int b64_encode(const void *in, size_t len, char **ret)
{
        static const char tbl[] =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const unsigned char *p = in;
        char *out, *o;

        if (len > (SIZE_MAX - 1) / 4 * 3)
                return -E2BIG;
        out = malloc((len + 2) / 3 * 4 + 1);
        if (!out)
                return -ENOMEM;
        o = out;
        for (size_t i = 0; i < len; i += 3) {
                uint32_t v = (uint32_t)p[i] << 16;
                if (i + 1 < len)
                        v |= (uint32_t)p[i + 1] << 8;
                if (i + 2 < len)
                        v |= p[i + 2];
                *o++ = tbl[(v >> 18) & 63];
                *o++ = tbl[(v >> 12) & 63];
                *o++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
                *o++ = i + 2 < len ? tbl[v & 63] : '=';
        }
        *o = '\0';
        *ret = out;
        return 0;
}

bool gzip_is(const void *data, size_t len)
{
        const unsigned char *p = data;
        return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* zlib, loaded by the first gzip part met (dynlib.h). inflateInit2 and
 * deflateInit2 are macros over these, which check the header's version. */
static struct {
        void *lib;
        int (*inflate_init2)(z_streamp, int, const char *, int);
        int (*inflate)(z_streamp, int);
        int (*inflate_reset)(z_streamp);
        int (*inflate_end)(z_streamp);
        int (*deflate_init2)(z_streamp, int, int, int, int, int, const char *, int);
        uLong (*deflate_bound)(z_streamp, uLong);
        int (*deflate)(z_streamp, int);
        int (*deflate_end)(z_streamp);
} zl;

static int zlib_load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(zl, inflate_init2, "inflateInit2_"),
                DYNLIB_SYM(zl, inflate, "inflate"),
                DYNLIB_SYM(zl, inflate_reset, "inflateReset"),
                DYNLIB_SYM(zl, inflate_end, "inflateEnd"),
                DYNLIB_SYM(zl, deflate_init2, "deflateInit2_"),
                DYNLIB_SYM(zl, deflate_bound, "deflateBound"),
                DYNLIB_SYM(zl, deflate, "deflate"),
                DYNLIB_SYM(zl, deflate_end, "deflateEnd"),
        };

        return dynlib_load(&zl, "libz.so.1", syms, ELEMENTSOF(syms));
}

int gzip_decode(const void *in, size_t len, size_t max, char **ret, size_t *ret_len)
{
        struct buf out = BUF_INIT(max);
        unsigned char chunk[16384];
        z_stream z = { 0 };
        int zr, r = 0;

        if (len > UINT32_MAX)
                return -E2BIG;
        r = zlib_load();
        if (r < 0)
                return r;
        /* 16 + MAX_WBITS: gzip header only. */
        if (zl.inflate_init2(&z, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(z)) != Z_OK)
                return -ENOMEM;
        z.next_in = (unsigned char *)(uintptr_t)in;
        z.avail_in = (unsigned)len;
        for (;;) {
                z.next_out = chunk;
                z.avail_out = sizeof(chunk);
                zr = zl.inflate(&z, Z_NO_FLUSH);
                if (zr != Z_OK && zr != Z_STREAM_END) {
                        r = zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
                        break;
                }
                r = buf_append(&out, chunk, sizeof(chunk) - z.avail_out);
                if (r < 0)
                        break;
                if (zr == Z_STREAM_END) {
                        if (z.avail_in == 0)
                                break;
                        /* Another gzip member follows. */
                        if (zl.inflate_reset(&z) != Z_OK) {
                                r = -EBADMSG;
                                break;
                        }
                        continue;
                }
                if (z.avail_in == 0 && z.avail_out != 0) {
                        r = -EBADMSG; /* truncated stream */
                        break;
                }
        }
        (void)zl.inflate_end(&z);
        if (r < 0) {
                buf_free(&out);
                return r;
        }
        *ret = buf_steal(&out, ret_len);
        return *ret ? 0 : -ENOMEM;
}

int gzip_encode(const void *in, size_t len, char **ret, size_t *ret_len)
{
        z_stream z = { 0 };
        size_t bound;
        char *out;
        int zr;

        if (len > UINT32_MAX)
                return -E2BIG;
        zr = zlib_load();
        if (zr < 0)
                return zr;
        /* 16 + MAX_WBITS: a gzip header and trailer around the deflate data */
        if (zl.deflate_init2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                             Z_DEFAULT_STRATEGY, ZLIB_VERSION, (int)sizeof(z)) != Z_OK)
                return -ENOMEM;
        bound = zl.deflate_bound(&z, (uLong)len);
        out = malloc(bound ? bound : 1);
        if (!out) {
                (void)zl.deflate_end(&z);
                return -ENOMEM;
        }
        z.next_in = (unsigned char *)(uintptr_t)in;
        z.avail_in = (unsigned)len;
        z.next_out = (unsigned char *)out;
        z.avail_out = (unsigned)bound;
        zr = zl.deflate(&z, Z_FINISH);
        (void)zl.deflate_end(&z);
        if (zr != Z_STREAM_END) {
                free(out);
                return -EIO;
        }
        *ret = out;
        *ret_len = bound - z.avail_out;
        return 0;
}

unsigned long long fnv1a64(unsigned long long h, const void *p, size_t n)
{
        const unsigned char *c = p;
        for (size_t i = 0; i < n; i++)
                h = (h ^ c[i]) * 1099511628211ull;
        return h;
}

/* Eight bytes a step: FNV's chain of one multiply per byte made hashing
 * the system config and the stored models (some 20 KB a stage) wait on
 * 20,000 dependent multiplies. The shift folds the high bits, which the
 * multiply fills, back into the low ones the next word meets. */
uint64_t digest64(uint64_t h, const void *p, size_t n)
{
        const unsigned char *c = p;
        uint64_t w;

        for (; n >= 8; c += 8, n -= 8) {
                memcpy(&w, c, 8);
                h = (h ^ w) * 0x100000001b3ull;
                h ^= h >> 29;
        }
        if (n) {
                /* the tail's length too: "ab" and "ab" with a NUL differ */
                w = 0;
                memcpy(&w, c, n);
                h = (h ^ w ^ ((uint64_t)n << 56)) * 0x100000001b3ull;
                h ^= h >> 29;
        }
        return h;
}
