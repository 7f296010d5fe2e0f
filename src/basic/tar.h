/* SPDX-License-Identifier: Apache-2.0 */
/* A ustar archive written into a bounded buffer: directories and regular
 * files only, names up to 255 bytes, sizes up to 8 GiB. Enough for
 * collect-logs; nothing in cloudboot reads tar. */
#pragma once

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"

int tar_add_dir(struct buf *b, const char *name, mode_t mode, time_t mtime);
int tar_add_file(struct buf *b, const char *name, const void *data, size_t len, mode_t mode,
                 time_t mtime);
/* The two zero blocks that end an archive. */
int tar_finish(struct buf *b);
