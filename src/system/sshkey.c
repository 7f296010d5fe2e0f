/* SPDX-License-Identifier: Apache-2.0 */
/* SSH public keys as ssh-keygen reads them (see sshkey.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "digest.h"
#include "macro.h"
#include "sshkey.h"

struct wire {
        const uint8_t *p;
        size_t left;
};

/* The next string of the SSH wire format (a 32-bit big-endian length, then
 * the bytes). */
static bool wire_string(struct wire *w, const uint8_t **ret, size_t *ret_len)
{
        uint32_t n;

        if (w->left < 4)
                return false;
        n = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 | (uint32_t)w->p[2] << 8 | w->p[3];
        if (n > w->left - 4)
                return false;
        *ret = w->p + 4;
        *ret_len = n;
        w->p += 4 + n;
        w->left -= 4 + n;
        return true;
}

static bool wire_is(const uint8_t *s, size_t len, const char *want)
{
        return len == strlen(want) && memcmp(s, want, len) == 0;
}

/* The bits of a positive mpint (OpenSSL's BN_num_bits); 0 when it is not
 * one, or is over the 16384 bits OpenSSH reads (2048 bytes and a sign byte). */
static unsigned mpint_bits(const uint8_t *s, size_t len)
{
        unsigned top = 0;

        if ((len && s[0] & 0x80) || len > 2049 || (len == 2049 && s[0]))
                return 0;
        while (len && !s[0])
                s++, len--;
        if (!len)
                return 0;
        for (uint8_t b = s[0]; b; b >>= 1)
                top++;
        return (unsigned)(len - 1) * 8 + top;
}

/* The key's size and ssh-keygen's name for its type, from the blob; false
 * for a type not done here or a blob ssh-keygen would refuse as far as its
 * form tells (an ECDSA point's place on its curve is not checked). DSA is
 * left to ssh-keygen: what it does with one depends on its version. */
static bool blob_size(const uint8_t *blob, size_t len, const char *type, unsigned *bits,
                      const char **label)
{
        static const struct {
                const char *type, *curve, *label;
                unsigned bits;
                size_t point; /* an uncompressed point's bytes (0x04, x, y) */
        } fixed[] = {
                { "ssh-ed25519", NULL, "ED25519", 256, 32 },
                { "ecdsa-sha2-nistp256", "nistp256", "ECDSA", 256, 65 },
                { "ecdsa-sha2-nistp384", "nistp384", "ECDSA", 384, 97 },
                { "ecdsa-sha2-nistp521", "nistp521", "ECDSA", 521, 133 },
        };
        struct wire w = { blob, len };
        const uint8_t *s;
        size_t n;

        if (!wire_string(&w, &s, &n) || !wire_is(s, n, type))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(fixed); i++) {
                if (!streq(type, fixed[i].type))
                        continue;
                /* ed25519: the point; ecdsa: the curve, then the point */
                if (fixed[i].curve && (!wire_string(&w, &s, &n) || !wire_is(s, n, fixed[i].curve)))
                        return false;
                if (!wire_string(&w, &s, &n) || n != fixed[i].point ||
                    (fixed[i].curve && s[0] != 0x04) || w.left)
                        return false;
                *bits = fixed[i].bits;
                *label = fixed[i].label;
                return true;
        }
        /* RSA: e, then the modulus, of 1024 to 16384 bits as OpenSSH takes */
        if (!streq(type, "ssh-rsa") || !wire_string(&w, &s, &n) || !mpint_bits(s, n) ||
            !wire_string(&w, &s, &n) || w.left)
                return false;
        *bits = mpint_bits(s, n);
        *label = "RSA";
        return *bits >= 1024;
}

int sshkey_fingerprint_line(const char *pub, struct buf *out)
{
        _cleanup_free_ char *blob = NULL, *b64 = NULL, *type = NULL;
        const char *p = pub, *b, *label;
        uint8_t md[DIGEST_MAX];
        size_t blen = 0, cl;
        unsigned bits = 0;
        int n;

        b = p + strcspn(p, " \t\n");
        if (b == p || (*b != ' ' && *b != '\t'))
                return -EINVAL;
        type = strndup(p, (size_t)(b - p));
        if (!type)
                return -ENOMEM;
        b += strspn(b, " \t");
        p = b + strcspn(b, " \t\n");
        if (b64_decode(b, (size_t)(p - b), 16 * 1024, &blob, &blen) < 0 ||
            !blob_size((const uint8_t *)blob, blen, type, &bits, &label))
                return -EINVAL;
        n = digest_compute("sha256", blob, blen, md);
        if (n != 32 || b64_encode(md, 32, &b64) < 0)
                return n < 0 ? n : -ENOMEM;
        b64[strcspn(b64, "=")] = '\0';
        p += strspn(p, " \t");
        cl = strcspn(p, "\n");
        if (p[cl] == '\n' && p[cl + 1])
                return -EINVAL; /* a second line: ssh-keygen's to judge */
        return buf_printf(out, "%u SHA256:%s %.*s (%s)\n", bits, b64, cl ? (int)cl : 10,
                          cl ? p : "no comment", label);
}
