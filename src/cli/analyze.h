/* SPDX-License-Identifier: Apache-2.0 */
/* cloud-init.log's start:/finish: events, as cloud-init's `analyze` reads
 * them: one event per line, "TIMESTAMP - ORIGIN[LEVEL]: [CONTEXT: ]start: NAME:
 * DESCRIPTION" or "... finish: NAME: RESULT[: DESCRIPTION]". cloudboot writes
 * its own log in that shape, so a cloud-init log is read the same way. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ANALYZE_MAX_EVENTS 100000u
#define ANALYZE_NAME_MAX 128
#define ANALYZE_DESC_MAX 256

struct analyze_event {
        double timestamp; /* seconds since the epoch (the log is UTC) */
        bool finish;
        char name[ANALYZE_NAME_MAX]; /* "init-local" or "init/config-ssh" */
        char result[16]; /* finish only: SUCCESS, FAIL, WARN */
        char description[ANALYZE_DESC_MAX];
};

struct analyze_log {
        struct analyze_event *ev;
        size_t n;
};

/* Read events from f; lines that are not events are skipped, and so is the
 * rest of an over-long line. -E2BIG past ANALYZE_MAX_EVENTS. */
int analyze_read(FILE *f, struct analyze_log *ret);
void analyze_log_done(struct analyze_log *l);

/* cloud-init's three reports, written to out. */
void analyze_show(const struct analyze_log *l, FILE *out);
void analyze_blame(const struct analyze_log *l, FILE *out);
int analyze_dump(const struct analyze_log *l, FILE *out);
