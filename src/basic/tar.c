/* SPDX-License-Identifier: Apache-2.0 */
/* ustar headers (POSIX.1-1988 with the ustar magic) for tar.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tar.h"

#define BLOCK 512

struct header {
        char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag;
        char linkname[100], magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8],
                prefix[155], pad[12];
};

_Static_assert(sizeof(struct header) == BLOCK, "a ustar header is one block");

/* size-1 octal digits, zero-padded, then NUL (the caller checked v fits) */
static void octal(char *field, size_t size, unsigned long long v)
{
        field[size - 1] = '\0';
        for (size_t i = size - 1; i-- > 0; v >>= 3)
                field[i] = (char)('0' + (v & 7));
}

/* Split name into prefix/name at a '/' so each part fits. */
static int set_name(struct header *h, const char *name)
{
        size_t len = strlen(name);

        if (len <= sizeof(h->name)) {
                memcpy(h->name, name, len);
                return 0;
        }
        for (size_t i = len - 1; i > 0; i--) {
                if (name[i] != '/')
                        continue;
                if (i <= sizeof(h->prefix) && len - i - 1 <= sizeof(h->name) && len - i - 1 > 0) {
                        memcpy(h->prefix, name, i);
                        memcpy(h->name, name + i + 1, len - i - 1);
                        return 0;
                }
        }
        return -ENAMETOOLONG;
}

static int add(struct buf *b, const char *name, char type, const void *data, size_t len,
               mode_t mode, time_t mtime)
{
        struct header h;
        unsigned sum = 0;
        static const char zeros[BLOCK];
        int r;

        if (len > 077777777777ULL)
                return -EFBIG;
        memset(&h, 0, sizeof(h));
        r = set_name(&h, name);
        if (r < 0)
                return r;
        octal(h.mode, sizeof(h.mode), mode & 07777);
        octal(h.uid, sizeof(h.uid), 0);
        octal(h.gid, sizeof(h.gid), 0);
        octal(h.size, sizeof(h.size), len);
        octal(h.mtime, sizeof(h.mtime), mtime > 0 ? (unsigned long long)mtime : 0);
        h.typeflag = type;
        memcpy(h.magic, "ustar", 6);
        memcpy(h.version, "00", 2);
        memcpy(h.uname, "root", 4);
        memcpy(h.gname, "root", 4);
        /* the checksum is computed with its own field as blanks */
        memset(h.chksum, ' ', sizeof(h.chksum));
        for (size_t i = 0; i < sizeof(h); i++)
                sum += ((const unsigned char *)&h)[i];
        (void)snprintf(h.chksum, sizeof(h.chksum), "%06o", sum);
        size_t before = b->len;
        r = buf_append(b, &h, sizeof(h));
        if (r >= 0 && len)
                r = buf_append(b, data, len);
        if (r >= 0 && len % BLOCK)
                r = buf_append(b, zeros, BLOCK - len % BLOCK);
        if (r < 0 && b->data) {
                b->len = before; /* no half entry */
                b->data[before] = '\0';
        }
        return r;
}

int tar_add_dir(struct buf *b, const char *name, mode_t mode, time_t mtime)
{
        char dir[256];
        size_t len = strlen(name);

        if (len + 2 > sizeof(dir))
                return -ENAMETOOLONG;
        memcpy(dir, name, len);
        if (len == 0 || dir[len - 1] != '/')
                dir[len++] = '/';
        dir[len] = '\0';
        return add(b, dir, '5', NULL, 0, mode, mtime);
}

int tar_add_file(struct buf *b, const char *name, const void *data, size_t len, mode_t mode,
                 time_t mtime)
{
        return add(b, name, '0', data, len, mode, mtime);
}

int tar_finish(struct buf *b)
{
        static const char zeros[2 * BLOCK];
        return buf_append(b, zeros, sizeof(zeros));
}
