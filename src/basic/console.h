/* SPDX-License-Identifier: Apache-2.0 */
/* The operator's console: where secrets meant for the operator (a RANDOM
 * password) go, and nowhere else: never the log, the journal or stdout
 * (cloud-init's CVE-2021-3429). On "/" it is /dev/console, as cloud-init
 * writes it; under --root the target's dev/console is only a file of the
 * image, so the caller's stderr is (unless stderr is the journal). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Write text to the console; -ENOENT/-ENXIO when there is none. */
int console_write(int root_fd, bool root_is_host, const char *text, size_t len);
