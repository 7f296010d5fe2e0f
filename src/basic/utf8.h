/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation: JSON output and journal fields must be valid UTF-8. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

bool utf8_is_valid(const char *s, size_t len);
