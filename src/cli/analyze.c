/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and reporting of start:/finish: events (see analyze.h). A boot
 * record starts at each "start: init-local" (or at the first event), as in
 * cloud-init, so the log of several boots gives several records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "buf.h"
#include "json.h"
#include "macro.h"
#include "node.h"

/* "2026-11-26 12:04:31,570" at the start of a line, UTC. */
static int parse_stamp(const char *s, double *ret)
{
        struct tm tm = { 0 };
        const char *end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
        double frac = 0;

        if (!end)
                return -EINVAL;
        if (*end == ',' || *end == '.') {
                double scale = 0.1;
                for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
                        frac += (*end - '0') * scale;
        }
        *ret = (double)timegm(&tm) + frac;
        return 0;
}

static void copy_field(char *dst, size_t size, const char *src, size_t len)
{
        if (len >= size)
                len = size - 1;
        memcpy(dst, src, len);
        dst[len] = '\0';
}

/* One line into ev: 1 if it is an event, 0 if not. */
static int parse_line(const char *line, struct analyze_event *ev)
{
        const char *msg = strstr(line, "]: "), *p, *colon;
        bool finish;

        if (!msg || parse_stamp(line, &ev->timestamp) < 0)
                return 0;
        msg += 3;
        /* cloudboot prefixes its message with "stage/module: " */
        p = strstr(msg, "start: ");
        finish = false;
        {
                const char *f = strstr(msg, "finish: ");
                if (f && (!p || f < p)) {
                        p = f;
                        finish = true;
                }
        }
        if (!p || (p != msg && (p < msg + 2 || p[-2] != ':' || p[-1] != ' ')))
                return 0;
        p += finish ? 8 : 7;
        colon = strstr(p, ": ");
        if (!colon || colon == p)
                return 0;
        ev->finish = finish;
        copy_field(ev->name, sizeof(ev->name), p, (size_t)(colon - p));
        p = colon + 2;
        ev->result[0] = '\0';
        if (finish) {
                colon = strstr(p, ": ");
                size_t n = colon ? (size_t)(colon - p) : strcspn(p, "\n");
                copy_field(ev->result, sizeof(ev->result), p, n);
                p = colon ? colon + 2 : p + n;
        }
        copy_field(ev->description, sizeof(ev->description), p, strcspn(p, "\n"));
        return 1;
}

int analyze_read(FILE *f, struct analyze_log *ret)
{
        struct analyze_log l = { 0 };
        size_t cap = 0;
        char line[4096];
        bool skipping = false;

        while (fgets(line, sizeof(line), f)) {
                size_t len = strlen(line);
                bool whole = len > 0 && line[len - 1] == '\n';

                /* the tail of a line longer than the buffer is not an event */
                if (skipping) {
                        skipping = !whole;
                        continue;
                }
                skipping = !whole && !feof(f);
                if (l.n == cap) {
                        if (cap >= ANALYZE_MAX_EVENTS) {
                                analyze_log_done(&l);
                                return -E2BIG;
                        }
                        size_t ncap = cap ? cap * 2 : 64;
                        struct analyze_event *ev = reallocarray(l.ev, ncap, sizeof(*ev));
                        if (!ev) {
                                analyze_log_done(&l);
                                return -ENOMEM;
                        }
                        l.ev = ev;
                        cap = ncap;
                }
                if (parse_line(line, &l.ev[l.n]))
                        l.n++;
        }
        *ret = l;
        return 0;
}

void analyze_log_done(struct analyze_log *l)
{
        free(l->ev);
        *l = (struct analyze_log){ 0 };
}

static bool is_stage(const struct analyze_event *e)
{
        return !strchr(e->name, '/');
}

static bool starts_record(const struct analyze_log *l, size_t i)
{
        return i == 0 || (!l->ev[i].finish && streq(l->ev[i].name, "init-local"));
}

/* The start event that a finish closes: the nearest earlier start of that name. */
static const struct analyze_event *start_of(const struct analyze_log *l, size_t first, size_t i)
{
        for (size_t j = i; j-- > first;)
                if (!l->ev[j].finish && streq(l->ev[j].name, l->ev[i].name))
                        return &l->ev[j];
        return NULL;
}

static size_t record_end(const struct analyze_log *l, size_t first)
{
        size_t i = first + 1;
        while (i < l->n && !starts_record(l, i))
                i++;
        return i;
}

static size_t count_records(const struct analyze_log *l)
{
        size_t n = 0;
        for (size_t i = 0; i < l->n; i = record_end(l, i))
                n++;
        return n;
}

void analyze_show(const struct analyze_log *l, FILE *out)
{
        size_t rec = 0;

        for (size_t first = 0; first < l->n; first = record_end(l, first)) {
                size_t end = record_end(l, first);
                double t0 = l->ev[first].timestamp, total = 0;

                fprintf(out, "-- Boot Record %02zu --\n", ++rec);
                fputs("The total time elapsed since completing an event is printed after the \"@\" "
                      "character.\nThe time the event takes is printed after the \"+\" "
                      "character.\n\n",
                      out);
                for (size_t i = first; i < end; i++) {
                        const struct analyze_event *e = &l->ev[i], *s;

                        if (!e->finish) {
                                if (is_stage(e))
                                        fprintf(out, "Starting stage: %s\n", e->name);
                                continue;
                        }
                        s = start_of(l, first, i);
                        double took = s ? e->timestamp - s->timestamp : 0;
                        if (is_stage(e)) {
                                fprintf(out, "Finished stage: (%s) %.5f seconds\n\n", e->name,
                                        took);
                                total += took;
                        } else {
                                fprintf(out, "|`->%s %s @%08.5fs +%08.5fs\n", e->name, e->result,
                                        e->timestamp - t0, took);
                        }
                }
                fprintf(out, "Total Time: %.5f seconds\n\n", total);
        }
        fprintf(out, "%zu boot records analyzed\n", count_records(l));
}

struct blame_row {
        double took;
        const char *name;
};

static int by_time_desc(const void *a, const void *b)
{
        double x = ((const struct blame_row *)a)->took, y = ((const struct blame_row *)b)->took;
        return x < y ? 1 : x > y ? -1 : 0;
}

void analyze_blame(const struct analyze_log *l, FILE *out)
{
        _cleanup_free_ struct blame_row *rows = NULL;
        size_t rec = 0;

        if (l->n)
                rows = calloc(l->n, sizeof(*rows));
        for (size_t first = 0; first < l->n; first = record_end(l, first)) {
                size_t end = record_end(l, first), n = 0;

                fprintf(out, "-- Boot Record %02zu --\n", ++rec);
                for (size_t i = first; rows && i < end; i++) {
                        const struct analyze_event *s;
                        if (!l->ev[i].finish || is_stage(&l->ev[i]))
                                continue;
                        s = start_of(l, first, i);
                        rows[n++] = (struct blame_row){ s ? l->ev[i].timestamp - s->timestamp : 0,
                                                        l->ev[i].name };
                }
                qsort(rows, n, sizeof(*rows), by_time_desc);
                for (size_t i = 0; i < n; i++)
                        fprintf(out, "     %08.5fs (%s)\n", rows[i].took, rows[i].name);
                fputc('\n', out);
        }
        fprintf(out, "%zu boot records analyzed\n", count_records(l));
}

static struct node *new_float(double v)
{
        char text[32];
        struct node *n;

        (void)snprintf(text, sizeof(text), "%.3f", v);
        n = node_new_str(text);
        if (n)
                n->type = NODE_FLOAT;
        return n;
}

/* A JSON list of the events, in cloud-init's `analyze dump` keys. */
int analyze_dump(const struct analyze_log *l, FILE *out)
{
        _cleanup_node_ struct node *list = node_new(NODE_SEQ);
        struct buf b = BUF_INIT(256u * 1024 * 1024);
        int r = list ? 0 : -ENOMEM;

        for (size_t i = 0; i < l->n && r >= 0; i++) {
                const struct analyze_event *e = &l->ev[i];
                struct node *m = node_new(NODE_MAP);

                r = node_append(list, m);
                if (r < 0) {
                        node_free(m);
                        break;
                }
                if (r >= 0)
                        r = node_set(m, "description", node_new_str(e->description));
                if (r >= 0)
                        r = node_set(m, "event_type", node_new_str(e->finish ? "finish" : "start"));
                if (r >= 0)
                        r = node_set(m, "name", node_new_str(e->name));
                if (r >= 0)
                        r = node_set(m, "origin", node_new_str("cloudinit"));
                if (r >= 0 && e->finish)
                        r = node_set(m, "result", node_new_str(e->result));
                if (r >= 0)
                        r = node_set(m, "timestamp", new_float(e->timestamp));
        }
        if (r >= 0)
                r = json_write(&b, list, 1);
        if (r >= 0 && (fwrite(b.data, 1, b.len, out) != b.len || fputc('\n', out) == EOF))
                r = -EIO;
        buf_free(&b);
        return r;
}
