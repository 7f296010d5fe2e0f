/* SPDX-License-Identifier: Apache-2.0 */
/* libcrypto's EVP digests through dlopen (see digest.h). */
#include <errno.h>
#include <openssl/evp.h>
#include <strings.h>

#include "dynlib.h"
#include "digest.h"
#include "macro.h"

static struct {
        void *lib;
        const EVP_MD *(*get_digestbyname)(const char *);
        int (*digest)(const void *, size_t, unsigned char *, unsigned int *, const EVP_MD *,
                      ENGINE *);
} crypto;

static int load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(crypto, get_digestbyname, "EVP_get_digestbyname"),
                DYNLIB_SYM(crypto, digest, "EVP_Digest"),
        };

        return dynlib_load(&crypto, "libcrypto.so.3", syms, ELEMENTSOF(syms));
}

/* hashlib's names (the guaranteed ones and those OpenSSL 3 adds) and
 * OpenSSL's for the same digest. */
static const struct {
        const char *hashlib;
        const char *openssl;
} names[] = {
        { "md5", "MD5" },
        { "sha1", "SHA1" },
        { "sha224", "SHA224" },
        { "sha256", "SHA256" },
        { "sha384", "SHA384" },
        { "sha512", "SHA512" },
        { "sha512_224", "SHA512-224" },
        { "sha512_256", "SHA512-256" },
        { "sha3_224", "SHA3-224" },
        { "sha3_256", "SHA3-256" },
        { "sha3_384", "SHA3-384" },
        { "sha3_512", "SHA3-512" },
        { "blake2b", "BLAKE2B-512" },
        { "blake2s", "BLAKE2S-256" },
        { "sm3", "SM3" },
        { "md5-sha1", "MD5-SHA1" },
        { "ripemd160", "RIPEMD160" },
};

int digest_compute(const char *name, const void *data, size_t len, uint8_t ret[DIGEST_MAX])
{
        const char *ossl = NULL;
        const EVP_MD *md;
        unsigned int n = 0;
        int r;

        for (size_t i = 0; !ossl && i < ELEMENTSOF(names); i++)
                if (strcasecmp(names[i].hashlib, name) == 0)
                        ossl = names[i].openssl;
        if (!ossl)
                return -EOPNOTSUPP;
        r = load();
        if (r < 0)
                return r;
        md = crypto.get_digestbyname(ossl);
        if (!md) /* a digest this libcrypto leaves out (legacy provider) */
                return -EOPNOTSUPP;
        if (crypto.digest(data, len, ret, &n, md, NULL) != 1 || n > DIGEST_MAX)
                return -EIO;
        return (int)n;
}
