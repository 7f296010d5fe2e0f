/* SPDX-License-Identifier: Apache-2.0 */
/* MIME multipart user-data, as cloud-init reads it through Python's email
 * parser: headers (folded lines joined, parameters with or without quotes),
 * multipart bodies split at their boundary and entered recursively, and
 * each leaf part's body decoded from base64 or quoted-printable. Bounded in
 * depth and in the number of parts; a broken structure is reported naming the
 * part, and the parts that can be read are still given. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define MIME_DEPTH_MAX 8
#define MIME_PARTS_MAX 256

struct mime_part {
        char ctype[128]; /* lowercased, without parameters; "" when there is none */
        char filename[256]; /* Content-Disposition filename=, else Content-Type name= */
        char merge_type[512]; /* Merge-Type or X-Merge-Type */
        unsigned index; /* 1-based, in order of appearance */
        const char *headers; /* the part's header lines as given, up to the blank line */
        size_t headers_len;
        const char *body; /* decoded: valid during the call only */
        size_t len;
};

/* fn gets each leaf part; an error < 0 from it ends the walk. */
typedef int (*mime_part_fn)(void *userdata, const struct mime_part *p);

/* Walk the message data (len bytes), named name in messages (warnings when
 * report, else debug lines); decoded bodies are bounded by max bytes each.
 * Returns the number of parts given, or < 0 when fn failed or memory ran out. */
int mime_walk(const char *data, size_t len, const char *name, size_t max, bool report,
              mime_part_fn fn, void *userdata);
