/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/codec.c: base64 both ways, gzip with its size bound. */
#include <zlib.h>

#include "testlib.h"
#include "buf.h"
#include "codec.h"

static void test_b64_round_trip(void **state)
{
        (void)state;
        const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
        const char *want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
        for (size_t i = 0; i < ELEMENTSOF(in); i++) {
                char *enc, *dec;
                size_t len;
                assert_int_equal(b64_encode(in[i], strlen(in[i]), &enc), 0);
                assert_string_equal(enc, want[i]);
                assert_int_equal(b64_decode(enc, strlen(enc), 100, &dec, &len), 0);
                assert_int_equal(len, strlen(in[i]));
                assert_memory_equal(dec, in[i], len);
                free(enc);
                free(dec);
        }
}

static void test_b64_tolerates_whitespace_and_missing_padding(void **state)
{
        (void)state;
        char *dec;
        size_t len;
        assert_int_equal(b64_decode("Zm9v\nYmE", 8, 100, &dec, &len), 0);
        assert_int_equal(len, 5);
        assert_memory_equal(dec, "fooba", 5);
        free(dec);
}

static void test_b64_rejects_garbage(void **state)
{
        (void)state;
        char *dec;
        size_t len;
        assert_int_equal(b64_decode("Zm9v!", 5, 100, &dec, &len), -EBADMSG);
        assert_int_equal(b64_decode("Zm9v=Zg", 7, 100, &dec, &len), -EBADMSG);
        assert_int_equal(b64_decode("Z", 1, 100, &dec, &len), -EBADMSG);
        assert_int_equal(b64_decode("Zm9vYmFy", 8, 3, &dec, &len), -E2BIG);
}

static void test_b64_lenient_skips_like_python(void **state)
{
        (void)state;
        char *dec;
        size_t len, skipped;
        assert_int_equal(b64_decode_lenient("Zm9v...Ym Fy!", 13, 100, &dec, &len, &skipped), 0);
        assert_int_equal(len, 6);
        assert_memory_equal(dec, "foobar", 6);
        assert_int_equal(skipped, 4);
        free(dec);
}

/* What base64.b64decode() gives in Python 3.11 and 3.13, case by case. */
static void test_b64_lenient_is_python_b64decode(void **state)
{
        (void)state;
        static const struct {
                const char *in;
                int r;
                const char *out;
        } cases[] = {
                { "Zm9vYmFy", 0, "foobar" },
                { "Zm9vYg==", 0, "foob" },
                { "Zm9vYg=", -EBADMSG, NULL }, /* Incorrect padding */
                { "Zm9vYg", -EBADMSG, NULL }, /* Incorrect padding */
                { "Zm9vY", -EBADMSG, NULL }, /* 1 more than a multiple of 4 */
                { "Zm9vYg==garbage", 0, "foob" }, /* data after padding: ignored */
                { "Zm9vYmE=Zm9v", 0, "fooba" },
                { "=Zm9v", 0, "foo" }, /* a pad too early is discarded */
                { "Zm9v-_Yg==", 0, "foob" }, /* the url-safe characters are not base64 */
                { "Zm9v\nYmFy\n", 0, "foobar" },
                { "Zm9v\xc3\xa9", -EBADMSG, NULL }, /* not ASCII: ValueError */
                { "", 0, "" },
                { "====", 0, "" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *dec = NULL;
                size_t len = 0, skipped = 0;
                int r = b64_decode_lenient(cases[i].in, strlen(cases[i].in), 100, &dec, &len,
                                           &skipped);
                if (r != cases[i].r)
                        fail_msg("b64decode(\"%s\") returned %d, expected %d", cases[i].in, r,
                                 cases[i].r);
                if (r == 0 && (len != strlen(cases[i].out) || memcmp(dec, cases[i].out, len)))
                        fail_msg("b64decode(\"%s\") gave \"%.*s\", expected \"%s\"", cases[i].in,
                                 (int)len, dec, cases[i].out);
                free(dec);
        }
}

static unsigned char *gz(const void *data, size_t len, size_t *ret_len)
{
        z_stream z = { 0 };
        size_t cap = compressBound((uLong)len) + 64;
        unsigned char *out = malloc(cap);
        assert_non_null(out);
        assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY),
                         Z_OK);
        z.next_in = (unsigned char *)(uintptr_t)data;
        z.avail_in = (uInt)len;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        *ret_len = cap - z.avail_out;
        deflateEnd(&z);
        return out;
}

static void test_gzip_decodes(void **state)
{
        (void)state;
        size_t zlen, len;
        unsigned char *z = gz("#cloud-config\nhostname: x\n", 26, &zlen);
        char *out;
        assert_true(gzip_is(z, zlen));
        assert_int_equal(gzip_decode(z, zlen, 1000, &out, &len), 0);
        assert_int_equal(len, 26);
        assert_string_equal(out, "#cloud-config\nhostname: x\n");
        free(out);
        /* truncated stream */
        assert_int_equal(gzip_decode(z, zlen - 6, 1000, &out, &len), -EBADMSG);
        free(z);
        assert_false(gzip_is("#c", 2));
}

static void test_gzip_bomb_is_bounded(void **state)
{
        (void)state;
        size_t big = 64u << 20, zlen;
        char *zeros = calloc(1, big), *out;
        unsigned char *z;
        size_t len;
        assert_non_null(zeros);
        z = gz(zeros, big, &zlen);
        free(zeros);
        assert_true(zlen < 200000); /* 64 MiB in well under 200 KiB */
        assert_int_equal(gzip_decode(z, zlen, 1u << 20, &out, &len), -E2BIG);
        free(z);
}

static void test_buf_steal_of_nothing_is_an_empty_string(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(100);
        size_t len = 99;
        char *s = buf_steal(&b, &len);
        assert_non_null(s);
        assert_int_equal(len, 0);
        assert_string_equal(s, ""); /* a fresh allocation: terminated, not garbage */
        free(s);
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

/* digest64() tells apart what a stored model must not be mistaken for:
 * every one-byte change of a 20-byte text (in the words and in the tail)
 * and every length of it, a trailing NUL included, gives a digest of its
 * own. */
static void test_digest64_tells_changes_apart(void **state)
{
        (void)state;
        enum { LEN = 20, N = LEN * 255 + LEN + 2 };
        uint64_t *d = calloc(N, sizeof(*d));
        char text[LEN + 1] = "abcdefghijklmnopqrst";
        size_t n = 0;

        assert_non_null(d);
        d[n++] = digest64(FNV1A64_INIT, text, LEN);
        for (size_t i = 0; i < LEN; i++)
                for (unsigned v = 1; v < 256; v++) {
                        char t[LEN];
                        memcpy(t, text, LEN);
                        t[i] = (char)(t[i] ^ v);
                        d[n++] = digest64(FNV1A64_INIT, t, LEN);
                }
        for (size_t l = 0; l < LEN; l++)
                d[n++] = digest64(FNV1A64_INIT, text, l);
        text[LEN] = '\0';
        d[n++] = digest64(FNV1A64_INIT, text, LEN + 1); /* one NUL more */
        assert_int_equal(n, N);
        qsort(d, n, sizeof(*d), cmp_u64);
        for (size_t i = 1; i < n; i++)
                if (d[i] == d[i - 1])
                        fail_msg("two inputs share the digest %016llx", (unsigned long long)d[i]);
        /* the same bytes give the same digest, whatever their alignment */
        char buf[LEN + 8];
        memcpy(buf + 3, text, LEN);
        assert_true(digest64(FNV1A64_INIT, buf + 3, LEN) == digest64(FNV1A64_INIT, text, LEN));
        free(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_b64_round_trip),
                cmocka_unit_test(test_b64_tolerates_whitespace_and_missing_padding),
                cmocka_unit_test(test_b64_rejects_garbage),
                cmocka_unit_test(test_b64_lenient_skips_like_python),
                cmocka_unit_test(test_b64_lenient_is_python_b64decode),
                cmocka_unit_test(test_gzip_decodes),
                cmocka_unit_test(test_gzip_bomb_is_bounded),
                cmocka_unit_test(test_buf_steal_of_nothing_is_an_empty_string),
                cmocka_unit_test(test_digest64_tells_changes_apart),
        };
        return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
