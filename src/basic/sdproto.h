/* SPDX-License-Identifier: Apache-2.0 */
/* systemd's two datagram protocols, spoken without libsystemd: the service
 * notification on $NOTIFY_SOCKET (sd_notify(3)) and journald's native
 * protocol on /run/systemd/journal/socket (systemd's JOURNAL_NATIVE_PROTOCOL
 * document). Linking libsystemd for them cost every stage the dynamic
 * loading of libsystemd and its five dependencies; these are a few
 * sendmsg() calls. */
#pragma once

#include <stddef.h>

#include "macro.h"

/* Send "STATE" (e.g. "STATUS=running") to $NOTIFY_SOCKET; nothing when it is
 * unset. Errors are ignored, as sd_notify's callers do. */
void sd_proto_notify(const char *state);

/* "STATUS=" and the formatted text (the line `systemctl status` shows). */
void sd_proto_status(const char *fmt, ...) _printf_(1, 2);

struct journal_field {
        const char *name; /* upper case, digits and '_' */
        const char *value; /* any bytes but NUL */
};

/* One journal entry of n fields. 0, or a negative errno (no journal, a
 * message larger than a datagram can carry). */
int sd_proto_journal(const struct journal_field *f, size_t n);
/* The same to another socket (tests). */
int sd_proto_journal_at(const char *socket_path, const struct journal_field *f, size_t n);
