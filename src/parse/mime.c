/* SPDX-License-Identifier: Apache-2.0 */
/* MIME multipart reading (see mime.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "codec.h"
#include "log.h"
#include "macro.h"
#include "mime.h"

/* warnings only where user-data is reported on (see ud_env.report) */
#define mwarn(w, ...) log_full((w)->report ? LOG_LVL_WARNING : LOG_LVL_DEBUG, __VA_ARGS__)

struct walk {
        const char *name;
        bool report;
        size_t max;
        mime_part_fn fn;
        void *userdata;
        unsigned parts;
};

struct headers {
        char ctype[128];
        char boundary[256];
        char cte[32];
        char filename[256];
        char merge_type[512];
};

/* The end of the line at p (its \n, or end), within end. */
static const char *eol(const char *p, const char *end)
{
        const char *n = memchr(p, '\n', (size_t)(end - p));
        return n ? n : end;
}

/* Value of parameter key ("boundary") in a header value's "; k=v" list. */
static void param(const char *v, size_t len, const char *key, char *ret, size_t size)
{
        size_t kl = strlen(key);

        for (const char *p = v, *end = v + len; p < end;) {
                const char *semi = memchr(p, ';', (size_t)(end - p));
                const char *next = semi ? semi + 1 : end;
                p += strspn(p, " \t");
                if ((size_t)(next - p) > kl && strncasecmp(p, key, kl) == 0 &&
                    (p[kl] == '=' || p[kl] == ' ')) {
                        const char *val = p + kl;
                        val += strspn(val, " \t=");
                        size_t vl = (size_t)((semi ? semi : end) - val);
                        while (vl > 0 &&
                               (val[vl - 1] == ' ' || val[vl - 1] == '\t' || val[vl - 1] == '\r'))
                                vl--;
                        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
                                val++;
                                vl -= 2;
                        }
                        (void)snprintf(ret, size, "%.*s", (int)vl, val);
                        return;
                }
                if (!semi)
                        break;
                p = next;
        }
}

static void lower(char *s)
{
        for (; *s; s++)
                if (*s >= 'A' && *s <= 'Z')
                        *s = (char)(*s - 'A' + 'a');
}

/* Read headers at data; *ret_body is where the body starts. */
static void read_headers(const char *data, const char *end, struct headers *h,
                         const char **ret_body)
{
        const char *p = data;
        char line[2048];

        *h = (struct headers){ 0 };
        while (p < end) {
                const char *e = eol(p, end);
                size_t n = 0;
                if (e == p || (e == p + 1 && *p == '\r')) { /* the blank line */
                        p = e < end ? e + 1 : end;
                        break;
                }
                /* a header and its folded continuation lines, joined */
                for (;;) {
                        size_t l = (size_t)(e - p);
                        if (l > 0 && p[l - 1] == '\r')
                                l--;
                        if (n + l >= sizeof(line))
                                l = sizeof(line) - 1 - n;
                        memcpy(line + n, p, l);
                        n += l;
                        p = e < end ? e + 1 : end;
                        if (p >= end || (*p != ' ' && *p != '\t'))
                                break;
                        e = eol(p, end);
                }
                line[n] = 0;
                char *colon = strchr(line, ':');
                if (!colon)
                        continue;
                *colon = 0;
                char *v = colon + 1 + strspn(colon + 1, " \t");
                if (strcasecmp(line, "Content-Type") == 0) {
                        (void)snprintf(h->ctype, sizeof(h->ctype), "%.*s", (int)strcspn(v, "; \t"),
                                       v);
                        lower(h->ctype);
                        param(v, strlen(v), "boundary", h->boundary, sizeof(h->boundary));
                        if (!h->filename[0])
                                param(v, strlen(v), "name", h->filename, sizeof(h->filename));
                } else if (strcasecmp(line, "Content-Transfer-Encoding") == 0) {
                        (void)snprintf(h->cte, sizeof(h->cte), "%.*s", (int)strcspn(v, "; \t"), v);
                        lower(h->cte);
                } else if (strcasecmp(line, "Content-Disposition") == 0) {
                        param(v, strlen(v), "filename", h->filename, sizeof(h->filename));
                } else if (strcasecmp(line, "Merge-Type") == 0 ||
                           strcasecmp(line, "X-Merge-Type") == 0) {
                        (void)snprintf(h->merge_type, sizeof(h->merge_type), "%s", v);
                }
        }
        *ret_body = p;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int qp_decode(const char *in, size_t len, size_t max, char **ret, size_t *ret_len)
{
        struct buf b = BUF_INIT(max);
        int r = 0;

        for (size_t i = 0; i < len && r >= 0; i++) {
                if (in[i] != '=') {
                        r = buf_putc(&b, in[i]);
                        continue;
                }
                if (i + 1 < len && in[i + 1] == '\n') { /* soft line break */
                        i += 1;
                } else if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
                        i += 2;
                } else if (i + 2 < len && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
                        r = buf_putc(&b, (char)(hexval(in[i + 1]) * 16 + hexval(in[i + 2])));
                        i += 2;
                } else
                        r = buf_putc(&b, '=');
        }
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b, ret_len);
        return 0;
}

static int walk(struct walk *w, const char *data, size_t len, unsigned depth);

/* A multipart body: the parts between "--boundary" lines. */
static int walk_multipart(struct walk *w, const struct headers *h, const char *body,
                          const char *end, unsigned depth)
{
        size_t bl = strlen(h->boundary);
        const char *part = NULL, *p = body;
        bool closed = false;
        int r = 0;

        if (!h->boundary[0]) {
                mwarn(w, "%s: a %s part has no boundary; its content is ignored", w->name,
                      h->ctype);
                return 0;
        }
        while (p < end && !closed) {
                const char *e = eol(p, end);
                if ((size_t)(e - p) >= bl + 2 && p[0] == '-' && p[1] == '-' &&
                    memcmp(p + 2, h->boundary, bl) == 0) {
                        const char *after = p + 2 + bl;
                        bool last = (size_t)(e - after) >= 2 && after[0] == '-' && after[1] == '-';
                        if (part) {
                                /* the line break before the delimiter belongs to it */
                                const char *pe = p;
                                if (pe > part && pe[-1] == '\n')
                                        pe--;
                                if (pe > part && pe[-1] == '\r')
                                        pe--;
                                r = walk(w, part, (size_t)(pe - part), depth + 1);
                                if (r < 0)
                                        return r;
                        }
                        closed = last;
                        part = e < end ? e + 1 : end;
                }
                p = e < end ? e + 1 : end;
        }
        if (!closed) {
                if (part) {
                        mwarn(w,
                              "%s: the multipart body has no closing boundary (--%s--); "
                              "its last part is read to the end",
                              w->name, h->boundary);
                        r = walk(w, part, (size_t)(end - part), depth + 1);
                } else
                        mwarn(w, "%s: no part delimited by --%s in the multipart body", w->name,
                              h->boundary);
        }
        return r;
}

static int walk(struct walk *w, const char *data, size_t len, unsigned depth)
{
        const char *end = data + len, *body;
        struct mime_part p = { 0 };
        _cleanup_free_ char *decoded = NULL;
        struct headers h;
        int r;

        if (depth > MIME_DEPTH_MAX) {
                mwarn(w,
                      "%s: multipart nested deeper than %d levels; the inner parts are "
                      "ignored",
                      w->name, MIME_DEPTH_MAX);
                return 0;
        }
        read_headers(data, end, &h, &body);
        if (startswith(h.ctype, "multipart/"))
                return walk_multipart(w, &h, body, end, depth);
        if (w->parts >= MIME_PARTS_MAX) {
                if (w->parts++ == MIME_PARTS_MAX)
                        mwarn(w, "%s: more than %d parts; the rest are ignored", w->name,
                              MIME_PARTS_MAX);
                return 0;
        }
        p.index = ++w->parts;
        p.headers = data;
        p.headers_len = (size_t)(body - data);
        p.body = body;
        p.len = (size_t)(end - body);
        if (streq(h.cte, "base64")) {
                r = b64_decode(body, p.len, w->max, &decoded, &p.len);
                if (r < 0) {
                        mwarn(w, "%s: part %u is not valid base64%s; ignored", w->name, p.index,
                              r == -E2BIG ? " or too large" : "");
                        return 0;
                }
                p.body = decoded;
        } else if (streq(h.cte, "quoted-printable")) {
                r = qp_decode(body, p.len, w->max, &decoded, &p.len);
                if (r < 0) {
                        mwarn(w, "%s: part %u is larger than %zu bytes; ignored", w->name, p.index,
                              w->max);
                        return 0;
                }
                p.body = decoded;
        }
        memcpy(p.ctype, h.ctype, sizeof(p.ctype));
        memcpy(p.filename, h.filename, sizeof(p.filename));
        memcpy(p.merge_type, h.merge_type, sizeof(p.merge_type));
        r = w->fn(w->userdata, &p);
        if (decoded)
                explicit_bzero(decoded, p.len);
        return r;
}

int mime_walk(const char *data, size_t len, const char *name, size_t max, bool report,
              mime_part_fn fn, void *userdata)
{
        struct walk w = {
                .name = name, .report = report, .max = max, .fn = fn, .userdata = userdata
        };
        int r = walk(&w, data, len, 0);
        return r < 0 ? r : (int)(w.parts < MIME_PARTS_MAX ? w.parts : MIME_PARTS_MAX);
}
