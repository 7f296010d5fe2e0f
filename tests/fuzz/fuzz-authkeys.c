/* SPDX-License-Identifier: Apache-2.0 */
/* authorized_keys lines: the key blob of a line, and merging new keys into
 * an existing file; and the input as a host key's .pub, whose fingerprint
 * line keys_to_console makes (sshkey.c). */
#include "authkeys.h"
#include "fuzz.h"
#include "sshkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text = (const char *)data, *blob;
        char *keys[2] = { NULL, NULL };
        struct buf out = BUF_INIT(1u << 24);
        size_t blen;

        fuzz_quiet();
        for (size_t i = 0; i < size;) {
                const char *nl = memchr(text + i, '\n', size - i);
                size_t len = nl ? (size_t)(nl - (text + i)) : size - i;
                (void)authkeys_blob(text + i, len, &blob, &blen);
                i += len + 1;
        }
        /* the input as the old file, its first line also as a new key */
        keys[0] = fuzz_str(data, size);
        if (!keys[0])
                return 0;
        (void)sshkey_fingerprint_line(keys[0], &out);
        buf_free(&out);
        keys[0][strcspn(keys[0], "\n")] = 0;
        (void)authkeys_merge(text, size, keys, 1, NULL, &out);
        buf_free(&out);
        (void)authkeys_merge(text, size, keys, 1, "no-pty", &out);
        buf_free(&out);
        free(keys[0]);
        return 0;
}
