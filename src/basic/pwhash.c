/* SPDX-License-Identifier: Apache-2.0 */
/* crypt(3) through dlopen (see pwhash.h). */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "macro.h"
#include "pwhash.h"

static struct {
        void *lib;
        char *(*gensalt_rn)(const char *, unsigned long, const char *, int, char *, int);
        char *(*crypt_rn)(const char *, const char *, void *, int);
} lc;

int password_hash(const char *prefix, const char *plain, char **ret)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(lc, gensalt_rn, "crypt_gensalt_rn"),
                DYNLIB_SYM(lc, crypt_rn, "crypt_rn"),
        };
        char salt[CRYPT_GENSALT_OUTPUT_SIZE];
        struct crypt_data *cd;
        const char *h;
        int r = dynlib_load(&lc, "libcrypt.so.1", syms, ELEMENTSOF(syms));

        if (r < 0)
                return r;
        errno = 0;
        if (!lc.gensalt_rn(prefix, 0, NULL, 0, salt, sizeof(salt)))
                return errno > 0 ? -errno : -EINVAL;
        cd = calloc(1, sizeof(*cd));
        if (!cd)
                return -ENOMEM;
        h = lc.crypt_rn(plain, salt, cd, sizeof(*cd));
        if (!h || h[0] == '*')
                r = -EINVAL;
        else if (!(*ret = strdup(h)))
                r = -ENOMEM;
        explicit_bzero(cd, sizeof(*cd));
        free(cd);
        return r;
}
