/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the libFuzzer targets: each gets bytes and calls one parser the
 * way cloudboot calls it on input from a datasource. Logging goes nowhere:
 * the parsers' warnings are expected, crashes and sanitizer reports are not. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "yaml.h"

/* Logs into a buffer that is dropped: warnings cost nothing and say nothing. */
static inline void fuzz_quiet(void)
{
        static struct buf sink = BUF_INIT(1);
        log_capture(&sink);
        yaml_budget_reset(); /* each input is a boot of its own */
}

/* data as a NUL-terminated copy (the parsers take text with a length, but
 * some callers hand them C strings). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);
        if (s) {
                memcpy(s, data, size);
                s[size] = 0;
        }
        return s;
}
