/* SPDX-License-Identifier: Apache-2.0 */
/* Shadow tools on the target (see accounts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "accounts.h"
#include "exec.h"
#include "log.h"
#include "pwhash.h"

int password_random(char *buf, size_t size, size_t len)
{
        static const char alphabet[] =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        size_t n = sizeof(alphabet) - 1, i = 0;

        if (len + 1 > size)
                return -EINVAL;
        while (i < len) {
                unsigned char rnd[64];
                ssize_t got = getrandom(rnd, sizeof(rnd), 0);
                if (got < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                /* Rejection sampling: no bias towards the first letters. */
                for (ssize_t k = 0; k < got && i < len; k++)
                        if (rnd[k] < 256 - 256 % n)
                                buf[i++] = alphabet[rnd[k] % n];
                explicit_bzero(rnd, sizeof(rnd));
        }
        buf[len] = '\0';
        return 0;
}

/* argv with "--root ROOT" after the tool's name: the tool chroots into the
 * target before it touches a file, so nothing it creates (a home directory
 * given as /home/../.., say) can land outside it. (--prefix does not chroot.) */
static int run_tool(const char *chroot_dir, const char *const *argv, const char *input,
                    size_t input_len)
{
        const char *full[64];
        struct exec_opts o = { .input = input, .input_len = input_len };
        size_t n = 0;

        full[n++] = argv[0];
        if (chroot_dir) {
                full[n++] = "--root";
                full[n++] = chroot_dir;
        }
        for (size_t i = 1; argv[i]; i++) {
                if (n >= ELEMENTSOF(full) - 1)
                        return -E2BIG;
                full[n++] = argv[i];
        }
        full[n] = NULL;
        return exec_ok(&o, (char *const *)full);
}

int account_tool(const char *chroot_dir, const char *const *argv)
{
        return run_tool(chroot_dir, argv, NULL, 0);
}

int account_set_password(const char *chroot_dir, const char *user, const char *secret, bool is_hash)
{
        const char *argv[] = { "chpasswd", "--encrypted", NULL };
        _cleanup_free_ char *hash = NULL;
        char *line;
        size_t len;
        int r;

        if (!is_hash) {
                r = password_hash(NULL, secret, &hash);
                if (r < 0)
                        return r;
                secret = hash;
        }
        len = strlen(user) + strlen(secret) + 2;
        line = malloc(len + 1);
        if (!line)
                return -ENOMEM;
        (void)snprintf(line, len + 1, "%s:%s\n", user, secret);
        r = run_tool(chroot_dir, argv, line, len);
        explicit_bzero(line, len);
        free(line);
        if (hash)
                explicit_bzero(hash, strlen(hash));
        return r;
}

int account_lock(const char *chroot_dir, const char *user)
{
        const char *argv[] = { "usermod", "--lock", user, NULL };
        return account_tool(chroot_dir, argv);
}

int account_unlock(const char *chroot_dir, const char *user)
{
        const char *argv[] = { "usermod", "--unlock", user, NULL };
        return account_tool(chroot_dir, argv);
}

int account_expire(const char *chroot_dir, const char *user)
{
        const char *argv[] = { "passwd", "--expire", user, NULL };
        return run_tool(chroot_dir, argv, NULL, 0);
}
