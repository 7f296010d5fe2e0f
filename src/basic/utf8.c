/* SPDX-License-Identifier: Apache-2.0 */
/* Strict UTF-8 check: no overlongs, no surrogates, nothing above U+10FFFF. */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

#define HIGH_BITS 0x8080808080808080ull

bool utf8_is_valid(const char *str, size_t len)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t i = 0;

        while (i < len) {
                unsigned char c = s[i];
                uint32_t cp;
                size_t n;

                if (c < 0x80) {
                        uint64_t w;
                        /* ASCII eight bytes at a time: the instance data
                         * checks each string it writes, some 10 KB a boot */
                        for (i++; len - i >= 8; i += 8) {
                                memcpy(&w, s + i, 8);
                                if (w & HIGH_BITS)
                                        break;
                        }
                        continue;
                } else if ((c & 0xe0) == 0xc0) {
                        n = 1;
                        cp = c & 0x1f;
                } else if ((c & 0xf0) == 0xe0) {
                        n = 2;
                        cp = c & 0x0f;
                } else if ((c & 0xf8) == 0xf0) {
                        n = 3;
                        cp = c & 0x07;
                } else
                        return false;
                if (len - i <= n) /* truncated sequence */
                        return false;
                for (size_t k = 1; k <= n; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
                    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += n + 1;
        }
        return true;
}
