/* SPDX-License-Identifier: Apache-2.0 */
/* The target's console: where secrets meant for the operator (a RANDOM
 * password) go, and nowhere else: never the log, the journal or stdout
 * (cloud-init's CVE-2021-3429). It is <root>/dev/console: the real console
 * when the target is "/", a file a test provides under --root. */
#pragma once

#include <stddef.h>

/* Write text to the console; -ENOENT/-ENXIO when there is none. */
int console_write(int root_fd, const char *text, size_t len);
