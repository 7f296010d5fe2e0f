/* SPDX-License-Identifier: Apache-2.0 */
/* User-data format detection (see userdata.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stdarg.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <stdio.h>

#include "codec.h"
#include "datasource.h"
#include "fs.h"
#include "http.h"
#include "jinja.h"
#include "log.h"
#include "merge.h"
#include "mime.h"
#include "config_schema.h"
#include "schema.h"
#include "state.h"
#include "runner.h"
#include "userdata.h"
#include "yaml.h"

static const struct {
        const char *prefix;
        enum ud_type type;
        const char *mime;
} starts[] = {
        /* longest first, as cloud-init sorts them */
        { "#cloud-config-archive", UD_ARCHIVE, "text/cloud-config-archive" },
        { "#cloud-config-jsonp", UD_JSONP, "text/cloud-config-jsonp" },
        { "## template: jinja", UD_JINJA, "text/jinja2" },
        { "#cloud-boothook", UD_BOOTHOOK, "text/cloud-boothook" },
        { "#part-handler", UD_PART_HANDLER, "text/part-handler" },
        { "#include-once", UD_INCLUDE_ONCE, "text/x-include-once-url" },
        { "#cloud-config", UD_CLOUD_CONFIG, "text/cloud-config" },
        { "#include", UD_INCLUDE, "text/x-include-url" },
        { "#!", UD_SCRIPT, "text/x-shellscript" },
};

enum ud_type userdata_type(const char *data, size_t len)
{
        size_t i = 0;

        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
                i++;
        if (i == len)
                return UD_EMPTY;
        for (size_t k = 0; k < ELEMENTSOF(starts); k++) {
                size_t pl = strlen(starts[k].prefix);
                if (len - i >= pl && strncasecmp(data + i, starts[k].prefix, pl) == 0) {
                        /* "#cloud-config" must be the whole word: "#cloud-configs" is not
                         * cloud-config (cloud-init compares the same prefixes, longest first). */
                        char next = len - i > pl ? data[i + pl] : '\n';
                        if (starts[k].type == UD_CLOUD_CONFIG && !strchr(" \t\r\n", next))
                                continue;
                        return starts[k].type;
                }
        }
        /* MIME is told by a MIME-Version header in the first 4096 bytes. */
        {
                size_t scan = len < 4096 ? len : 4096;
                for (size_t k = 0; k + 13 <= scan; k++)
                        if (strncasecmp(data + k, "mime-version:", 13) == 0 &&
                            (k == 0 || data[k - 1] == '\n'))
                                return UD_MIME;
        }
        return UD_UNKNOWN;
}

const char *userdata_type_name(enum ud_type t)
{
        for (size_t k = 0; k < ELEMENTSOF(starts); k++)
                if (starts[k].type == t)
                        return starts[k].mime;
        switch (t) {
        case UD_EMPTY:
                return "empty";
        case UD_MIME:
                return "multipart/mixed";
        default:
                return "text/x-not-multipart";
        }
}

/* Processing (see userdata.h). */

#define DEPTH_MAX 8 /* includes, archives, templates and multiparts within each other */
#define INCLUDES_MAX 32
#define FILES_MAX 256

static const char *const gzip_types[] = {
        "application/gzip",       "application/gzip-compressed",   "application/gzipped",
        "application/x-compress", "application/x-compressed",      "application/x-gunzip",
        "application/x-gzip",     "application/x-gzip-compressed", NULL,
};

struct st {
        const struct ud_env *env;
        struct userdata *u;
        unsigned counter; /* part-NNN */
        unsigned includes;
        const char *urls[DEPTH_MAX + 1]; /* the includes being processed, for loops */
        unsigned nurls;
        bool top_gunzipped; /* the whole was gzip, already decompressed: not again */
        struct node *vars; /* loaded by env->load_vars for the first template */
        /* user-data.txt.i: how the part being handled was given (a MIME
         * part's own headers, an archive entry), and quiet while its jinja
         * output is handled (the template is the part recorded) */
        struct given {
                const char *headers; /* a MIME part's own header lines */
                size_t headers_len;
                bool archive; /* an archive entry */
                const struct node *launch_index; /* the entry's launch-index */
        } given;
        unsigned quiet;
        bool vars_loaded;
};

void userdata_done(struct userdata *u)
{
        node_free(u->cfg);
        for (size_t i = 0; i < u->n_files; i++)
                free_secret(u->files[i].data, u->files[i].len);
        free(u->files);
        buf_free_secret(&u->processed);
        buf_free(&u->cfg_names);
        buf_free(&u->cfg_errors);
        *u = (struct userdata){ 0 };
}

static bool in_list(const char *const *list, const char *s)
{
        for (; *list; list++)
                if (streq(*list, s))
                        return true;
        return false;
}

static void problem(struct st *s, const char *fmt, ...) _printf_(2, 3);
static void problem(struct st *s, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        /* the stage that only peeks at user-data (init-local of a net-mode
         * instance) leaves reporting to the one that consumes it */
        if (!s->env->report) {
                log_debug("%s", msg);
                return;
        }
        log_warning("%s", msg);
        s->u->errors++;
}

/* A part's file name: its own when it is a plain name, else part-NNN. */
static void part_name(struct st *s, const char *filename, char *ret, size_t size)
{
        if (filename && filename[0] && !strchr(filename, '/') && !streq(filename, ".") &&
            !streq(filename, "..") && strlen(filename) < 200 && filename[0] != '.')
                (void)snprintf(ret, size, "%s", filename);
        else
                (void)snprintf(ret, size, "part-%03u", s->counter);
}

static int add_file(struct st *s, const char *path, const char *data, size_t len, mode_t mode)
{
        struct userdata *u = s->u;
        struct ud_file *f;

        for (size_t i = 0; i < u->n_files; i++)
                if (streq(u->files[i].path, path)) {
                        /* a later part of the same name wins, as the file would */
                        free_secret(u->files[i].data, u->files[i].len);
                        u->files[i] = u->files[--u->n_files];
                        break;
                }
        if (u->n_files >= FILES_MAX) {
                problem(s, "%s: more than %d scripts and boothooks; %s is not written",
                        s->env->name, FILES_MAX, path);
                return 0;
        }
        f = realloc(u->files, (u->n_files + 1) * sizeof(*f));
        if (!f)
                return -ENOMEM;
        u->files = f;
        f = &u->files[u->n_files];
        *f = (struct ud_file){ .len = len, .mode = mode };
        (void)snprintf(f->path, sizeof(f->path), "%s", path);
        f->data = malloc(len + 1);
        if (!f->data)
                return -ENOMEM;
        memcpy(f->data, data, len);
        f->data[len] = 0;
        u->n_files++;
        return 0;
}

/* Header lines of a MIME part as Python's email writes them back: as given,
 * Content-Type moved to the end when cloud-init replaced it. */
static int mime_headers(struct buf *b, const char *h, size_t len, const char *ctype, bool retyped)
{
        bool skip = false;

        for (const char *p = h, *end = h + len; p < end;) {
                const char *e = memchr(p, '\n', (size_t)(end - p));
                size_t l = e ? (size_t)(e - p) : (size_t)(end - p);
                const char *line = p;
                p += l + (e != NULL);
                while (l > 0 && line[l - 1] == '\r')
                        l--;
                if (l == 0)
                        break;
                if (retyped && l >= 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
                        skip = true; /* with its folded continuation lines */
                        continue;
                }
                if (skip && (line[0] == ' ' || line[0] == '\t'))
                        continue;
                skip = false;
                (void)buf_append(b, line, l);
                (void)buf_putc(b, '\n');
        }
        if (retyped)
                (void)buf_printf(b, "Content-Type: %s\n", ctype);
        return buf_error(b);
}

/* cloud-init's Launch-Index header: an archive entry's launch-index (given
 * twice: once by the entry, once when attached), else a cloud-config part's
 * own launch-index key. */
static int launch_index(struct st *s, struct buf *b, const struct given *g, const char *ctype,
                        const char *data, size_t len)
{
        _cleanup_node_ struct node *n = NULL;
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        const struct node *v = g->launch_index;
        struct yaml_error err;

        if (v && v->type == NODE_INT)
                return buf_printf(b, "Launch-Index: %lld\nLaunch-Index: %lld\n", v->i, v->i);
        if (v || !streq(ctype, "text/cloud-config") || !memmem(data, len, "launch-index", 12))
                return 0;
        lim.max_bytes = s->env->max;
        if (yaml_load(data, len, "launch-index", &lim, &n, &err) < 0 || n->type != NODE_MAP)
                return 0;
        v = node_get(n, "launch-index");
        if (v && v->type == NODE_INT)
                return buf_printf(b, "Launch-Index: %lld\n", v->i);
        return 0;
}

/* The part as user-data.txt.i shows it: cloud-init's attachment, numbered
 * part-NNN unless it has a file name. Counts the part. */
static int record(struct st *s, const struct given *g, const char *ctype, const char *orig_ctype,
                  const char *filename, const char *data, size_t len)
{
        struct buf *b = &s->u->processed;
        bool named = filename && filename[0];
        int r;

        s->counter++;
        s->u->parts++;
        (void)buf_printf(b, "--%s\n", s->u->boundary);
        if (g->headers)
                r = mime_headers(b, g->headers, g->headers_len, ctype, !streq(ctype, orig_ctype));
        else if (g->archive && startswith(ctype, "text/"))
                r = buf_printf(b,
                               "Content-Type: %s; charset=\"us-ascii\"\nMIME-Version: 1.0\n"
                               "Content-Transfer-Encoding: 7bit\n",
                               ctype);
        else if (g->archive)
                r = buf_printf(b, "Content-Type: %s\nMIME-Version: 1.0\n", ctype);
        else
                r = buf_printf(b, "MIME-Version: 1.0\nContent-Type: %s\n", ctype);
        /* a MIME part keeps the name it has; others get it, or their number */
        if (r >= 0 && named && !g->headers)
                r = buf_printf(b, "Content-Disposition: attachment; filename=\"%s\"\n",
                               filename);
        else if (r >= 0 && !named)
                r = buf_printf(b, "Content-Disposition: attachment; filename=\"part-%03u\"\n",
                               s->counter);
        if (r >= 0)
                r = launch_index(s, b, g, ctype, data, len);
        if (r >= 0)
                r = buf_putc(b, '\n');
        /* cloud-init holds user-data that is not MIME as bytes, which Python's
         * email writes back with U+FFFD for each byte past ASCII */
        for (size_t i = 0; r >= 0 && i < len; i++)
                r = g->headers || g->archive || (unsigned char)data[i] < 0x80
                            ? buf_putc(b, data[i])
                            : buf_puts(b, "\xef\xbf\xbd");
        if (r >= 0)
                r = buf_putc(b, '\n');
        if (r == -E2BIG) {
                /* the processed copy is for people to read: it may be cut short */
                log_warning("%s: the processed user-data is larger than %zu bytes; "
                            "user-data.txt.i is cut short",
                            s->env->name, b->max);
                r = 0;
        }
        return r;
}

static void report_schema(void *userdata, enum schema_severity sev, const char *pos,
                          const char *msg)
{
        (void)userdata;
        if (sev != SCHEMA_NOTE)
                log_warning("%s: %s", pos, msg);
}

/* A cloud-config part cloud-init's handler takes no config from. */
static void cfg_ignored(struct st *s, const char *fname)
{
        (void)buf_printf(&s->u->cfg_errors, "# Cloud-config part ignored SCHEMA_ERROR: %s\n", fname);
}

static int cloud_config(struct st *s, const char *data, size_t len, const char *merge_type,
                        const char *where, const char *fname)
{
        _cleanup_node_ struct node *n = NULL;
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        struct merge_spec spec = { 0 };
        const struct node *how;
        struct yaml_error err;

        lim.max_bytes = s->env->max;
        s->u->cfg_seen = true;
        if (yaml_load(data, len, where, &lim, &n, &err) < 0) {
                problem(s, "%s:%u:%u: %s; the cloud-config is not applied", where, err.line,
                        err.col, err.msg);
                cfg_ignored(s, fname);
                return 0;
        }
        if (n->type == NODE_NULL) {
                cfg_ignored(s, fname);
                return 0;
        }
        if (n->type != NODE_MAP) {
                problem(s, "%s:%u:%u: cloud-config must be a mapping, not %s; not applied", where,
                        n->line, n->col, node_type_name(n->type));
                cfg_ignored(s, fname);
                return 0;
        }
        how = node_get(n, "merge_how");
        if (!how)
                how = node_get(n, "merge_type");
        if (how)
                (void)merge_spec_from_node(how, &spec);
        if (merge_type && merge_type[0]) {
                const char *bad = NULL;
                if (merge_spec_parse(merge_type, &spec, &bad) < 0)
                        problem(s, "%s: Merge-Type '%s' is not in the form name(options)+...",
                                where, merge_type);
        }
        (void)node_del(n, "merge_how");
        (void)node_del(n, "merge_type");
        if (!spec.has_dict && !spec.has_list && !spec.has_str)
                spec = MERGE_SPEC_PART_DEFAULT;
        else if (!spec.has_dict && s->env->report)
                log_warning("%s: its merge rules have no dict(): as in cloud-init, this part "
                            "changes nothing",
                            where);
        if (s->env->report) {
                struct schema_report rep = { .emit = report_schema };
                /* a key of an external module (cloud-init's byobu, puppet...
                 * installed in /usr/lib/cloudboot/modules) is checked by its
                 * descriptor's schema here, at its position, as a built-in's */
                (void)runner_load_modules(s->env->root_fd, n);
                schema_validate_config(n, &rep);
        }
        if (!s->u->cfg && !(s->u->cfg = node_new(NODE_MAP)))
                return -ENOMEM;
        s->u->cfg_parts++;
        (void)buf_printf(&s->u->cfg_names, "# %s\n", fname);
        return merge_apply(&spec, &s->u->cfg, n);
}

static int handle(struct st *s, const char *data, size_t len, const char *ctype,
                  const char *filename, const char *merge_type, unsigned depth, const char *where);

struct mime_ctx {
        struct st *s;
        unsigned depth;
        const char *where;
};

static int on_mime_part(void *userdata, const struct mime_part *p)
{
        struct mime_ctx *m = userdata;
        char where[600];
        (void)snprintf(where, sizeof(where), "%s[part %u%s%s]", m->where, p->index,
                       p->filename[0] ? " " : "", p->filename);
        m->s->given = (struct given){ .headers = p->headers, .headers_len = p->headers_len };
        return handle(m->s, p->body, p->len, p->ctype[0] ? p->ctype : "text/plain", p->filename,
                      p->merge_type, m->depth, where);
}

static int include(struct st *s, const char *data, size_t len, bool once, unsigned depth,
                   const char *where)
{
        char url[2048], shown[2048];
        int r = 0;

        for (const char *p = data, *end = data + len; p < end && r >= 0;) {
                const char *e = memchr(p, '\n', (size_t)(end - p));
                size_t l = e ? (size_t)(e - p) : (size_t)(end - p);
                const char *line = p;
                p += l + (e != NULL);
                while (l > 0 && strchr(" \t\r", line[l - 1]))
                        l--;
                while (l > 0 && strchr(" \t", *line)) {
                        line++;
                        l--;
                }
                if (l >= 13 && strncasecmp(line, "#include-once", 13) == 0) {
                        once = true;
                        line += 13;
                        l -= 13;
                } else if (l >= 8 && strncasecmp(line, "#include", 8) == 0) {
                        once = false;
                        line += 8;
                        l -= 8;
                }
                while (l > 0 && strchr(" \t", *line)) {
                        line++;
                        l--;
                }
                if (l == 0 || *line == '#')
                        continue;
                (void)snprintf(url, sizeof(url), "%.*s", (int)l, line);
                (void)snprintf(shown, sizeof(shown), "%.*s", (int)strcspn(url, "?"), url);
                r = 0;
                if (++s->includes > INCLUDES_MAX) {
                        problem(s, "%s: more than %d includes; %s is not included", where,
                                INCLUDES_MAX, shown);
                        continue;
                }
                bool loop = false;
                for (unsigned i = 0; i < s->nurls; i++)
                        loop = loop || streq(s->urls[i], url);
                if (loop) {
                        problem(s, "%s: #include %s includes itself (a loop); not followed", where,
                                shown);
                        continue;
                }
                /* #include-once: fetched once, then read from the instance's cache */
                char cache[512];
                unsigned long long h = fnv1a64(FNV1A64_INIT, url, strlen(url));
                (void)snprintf(cache, sizeof(cache),
                               CLOUD_DIR "/instances/%s/data/urlcache/%016llx", s->env->iid, h);
                _cleanup_free_ char *body = NULL;
                size_t blen = 0;
                if (once && fs_read_file(s->env->root_fd, cache, s->env->max, &body, &blen) >= 0) {
                        log_info("%s: #include-once %s read from its cache", where, shown);
                } else if (!s->env->fetch) {
                        s->u->deferred_includes++;
                        problem(s, "%s: #include %s cannot be fetched before the network is up",
                                where, shown);
                        continue;
                } else {
                        struct http_request req = { .body_max = s->env->max, .timeout_ms = 5000 };
                        struct http_retry retry = { .retries = 3,
                                                    .deadline_usec =
                                                            http_now_usec() + 30000000ull };
                        struct http_response resp;
                        int k = http_fetch(url, &req, &retry, &resp);
                        if (k < 0 || resp.status != 200) {
                                if (k >= 0)
                                        problem(s, "%s: #include %s: HTTP %ld; not included", where,
                                                shown, resp.status);
                                else
                                        problem(s, "%s: #include %s: %s; not included", where,
                                                shown, strerror(-k));
                                if (k >= 0)
                                        http_response_done(&resp);
                                continue;
                        }
                        body = TAKE_PTR(resp.body);
                        blen = resp.len;
                        if (once)
                                (void)fs_write_atomic(s->env->root_fd, cache, body, blen, 0600,
                                                      FS_NO_OWNER, (gid_t)-1);
                }
                s->urls[s->nurls++] = url;
                r = handle(s, body, blen, "", NULL, NULL, depth + 1, shown);
                s->nurls--;
                explicit_bzero(body, blen);
        }
        return r;
}

/* #cloud-config-archive: a list of strings or {type, content, filename,
 * Merge-Type} mappings, each a part. */
static int archive(struct st *s, const char *data, size_t len, unsigned depth, const char *where)
{
        _cleanup_node_ struct node *list = NULL;
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        struct yaml_error err;
        int r = 0;

        lim.max_bytes = s->env->max;
        if (yaml_load(data, len, where, &lim, &list, &err) < 0) {
                problem(s, "%s:%u:%u: %s; the archive is not applied", where, err.line, err.col,
                        err.msg);
                return 0;
        }
        if (list->type != NODE_SEQ) {
                problem(s, "%s: #cloud-config-archive must be a list, not %s", where,
                        node_type_name(list->type));
                return 0;
        }
        for (size_t i = 0; i < list->n && r >= 0; i++) {
                const struct node *e = list->items[i], *content = e;
                const char *type = "", *fname = NULL, *mt = NULL;
                char w[600];
                if (e->type == NODE_MAP) {
                        content = node_get(e, "content");
                        type = node_get_str(e, "type") ? node_get_str(e, "type") : "";
                        fname = node_get_str(e, "filename");
                        mt = node_get_str(e, "Merge-Type") ? node_get_str(e, "Merge-Type")
                                                           : node_get_str(e, "X-Merge-Type");
                }
                if (!node_str(content)) {
                        problem(s, "%s:%u:%u: an archive entry needs content (a string)", where,
                                e->line, e->col);
                        continue;
                }
                (void)snprintf(w, sizeof(w), "%s[entry %zu]", where, i + 1);
                /* cloud-init takes an entry without a type it can tell for cloud-config */
                if (!type[0]) {
                        enum ud_type t = userdata_type(content->str, content->len);
                        type = t == UD_EMPTY || t == UD_UNKNOWN ? "text/cloud-config"
                                                                : userdata_type_name(t);
                }
                s->given = (struct given){ .archive = true,
                                           .launch_index = e->type == NODE_MAP
                                                                   ? node_get(e, "launch-index")
                                                                   : NULL };
                r = handle(s, content->str, content->len, type, fname, mt, depth + 1, w);
        }
        return r;
}

static int handle(struct st *s, const char *data, size_t len, const char *ctype,
                  const char *filename, const char *merge_type, unsigned depth, const char *where)
{
        _cleanup_free_ char *plain = NULL;
        size_t plen = 0;
        char fname[256], path[512], lc[128], orig[128];
        struct given g = s->given;
        int r;

        s->given = (struct given){ 0 }; /* for this part only, not those inside it */
        if (depth > DEPTH_MAX) {
                problem(s, "%s: parts, includes and templates nested deeper than %d; ignored",
                        where, DEPTH_MAX);
                return 0;
        }
        (void)snprintf(lc, sizeof(lc), "%s", ctype ? ctype : "");
        for (char *c = lc; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c - 'A' + 'a');
        if (gzip_is(data, len) && !(depth == 0 && s->top_gunzipped)) {
                r = gzip_decode(data, len, s->env->max, &plain, &plen);
                if (r < 0) {
                        problem(s, "%s: %s; ignored", where,
                                r == -E2BIG ? "gzip content expands past the size limit"
                                            : "not valid gzip");
                        return r == -ENOMEM ? r : 0;
                }
                data = plain;
                len = plen;
                if (in_list(gzip_types, lc))
                        lc[0] = 0;
        } else if (in_list(gzip_types, lc)) {
                problem(s, "%s: a part of type %s that is not gzip; ignored", where, lc);
                return 0;
        }
        (void)snprintf(orig, sizeof(orig), "%s", lc[0] ? lc : "text/x-not-multipart");
        if (!lc[0] || streq(lc, "text/plain") || streq(lc, "text/x-not-multipart")) {
                enum ud_type t = userdata_type(data, len);
                if ((t == UD_EMPTY || t == UD_UNKNOWN) && !s->quiet) {
                        r = record(s, &g, orig, orig, filename, data, len);
                        if (r < 0)
                                return r;
                }
                if (t == UD_EMPTY)
                        return 0;
                if (t == UD_UNKNOWN) {
                        log_full(s->env->report ? LOG_LVL_WARNING : LOG_LVL_DEBUG,
                                 "%s: unhandled non-multipart (text/x-not-multipart) "
                                 "user-data; it does not start with #cloud-config",
                                 where);
                        return 0;
                }
                (void)snprintf(lc, sizeof(lc), "%s", userdata_type_name(t));
        }
        if (startswith(lc, "multipart/")) {
                struct mime_ctx m = { .s = s, .depth = depth + 1, .where = where };
                r = mime_walk(data, len, where, s->env->max, s->env->report, on_mime_part, &m);
                return r < 0 ? r : 0;
        }
        if (streq(lc, "text/x-include-url") || streq(lc, "text/x-include-once-url"))
                return include(s, data, len, streq(lc, "text/x-include-once-url"), depth, where);
        if (streq(lc, "text/cloud-config-archive"))
                return archive(s, data, len, depth, where);
        if (!s->quiet) {
                r = record(s, &g, lc, orig, filename, data, len);
                if (r < 0)
                        return r;
        }
        if (streq(lc, "text/jinja2")) {
                _cleanup_free_ char *out = NULL;
                struct yaml_error err;
                size_t olen = 0;
                const char *nl = memchr(data, '\n', len);
                const char *body = nl ? nl + 1 : data + len;
                if (!s->env->vars && !s->vars_loaded && s->env->load_vars) {
                        s->vars = s->env->load_vars(s->env->vars_userdata);
                        s->vars_loaded = true;
                }
                r = jinja_render(body, (size_t)(data + len - body),
                                 s->env->vars ? s->env->vars : s->vars, where, s->env->max, &out,
                                 &olen, &err);
                if (r < 0) {
                        /* the template's line 1 is the header: count from the file's start */
                        problem(s, "%s:%u: jinja: %s; this part is not applied", where,
                                err.line + 1, err.msg);
                        return 0;
                }
                s->quiet++;
                r = handle(s, out, olen, "", filename, merge_type, depth + 1, where);
                s->quiet--;
                explicit_bzero(out, olen);
                return r;
        }
        part_name(s, filename, fname, sizeof(fname));
        /* counted by tests/blackbox/test-pipeline.sh: each part once a boot at most */
        log_debug("processed %s part %u: %s", s->env->vendor ? "vendor-data" : "user-data",
                  s->counter, lc);
        if (streq(lc, "text/cloud-config"))
                return cloud_config(s, data, len, merge_type, where, fname);
        if (streq(lc, "text/x-shellscript"))
                (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/scripts/%s%s",
                               s->env->iid, s->env->vendor ? "vendor/" : "", fname);
        else if (streq(lc, "text/x-shellscript-per-boot") ||
                 streq(lc, "text/x-shellscript-per-instance") ||
                 streq(lc, "text/x-shellscript-per-once"))
                (void)snprintf(path, sizeof(path), CLOUD_DIR "/scripts/%s/%s",
                               lc + strlen("text/x-shellscript-"), fname);
        else if (streq(lc, "text/cloud-boothook")) {
                /* the #cloud-boothook line goes; what follows is the program */
                const char *nl = memchr(data, '\n', len);
                size_t skip = userdata_type(data, len) == UD_BOOTHOOK
                                      ? (nl ? (size_t)(nl + 1 - data) : len)
                                      : 0;
                (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/boothooks/%s",
                               s->env->iid, fname);
                return add_file(s, path, data + skip, len - skip, 0700);
        } else if (streq(lc, "text/part-handler") || streq(lc, "text/cloud-config-jsonp")) {
                problem(s, "%s: %s parts are not supported by cloudboot; ignored", where, lc);
                return 0;
        } else {
                problem(s, "%s: content type %s is not one cloud-init handles; ignored", where, lc);
                return 0;
        }
        return add_file(s, path, data, len, 0700);
}

/* user-data.txt.i: the parts recorded made one MIME message, as Python's
 * email writes cloud-init's (Number-Attachments its own header). */
static int processed_message(struct userdata *u)
{
        struct buf m = BUF_INIT(u->processed.max + 4096);
        int r;

        (void)buf_printf(&m,
                         "Content-Type: multipart/mixed; boundary=\"%s\"\n"
                         "MIME-Version: 1.0\n",
                         u->boundary);
        if (u->parts > 0)
                (void)buf_printf(&m, "Number-Attachments: %u\n", u->parts);
        (void)buf_putc(&m, '\n');
        if (u->parts == 0)
                (void)buf_printf(&m, "--%s\n\n", u->boundary);
        (void)buf_append(&m, u->processed.data ? u->processed.data : "", u->processed.len);
        (void)buf_printf(&m, "--%s--\n", u->boundary);
        r = buf_error(&m);
        if (r < 0) {
                buf_free_secret(&m);
                return r == -E2BIG ? 0 : r;
        }
        buf_free_secret(&u->processed);
        u->processed = m;
        return 0;
}

int userdata_process(const char *data, size_t len, const struct ud_env *env, struct userdata *ret)
{
        struct userdata u = { .processed = BUF_INIT(env->max * 2 + 4096),
                              .cfg_names = BUF_INIT(64u * 1024),
                              .cfg_errors = BUF_INIT(64u * 1024) };
        struct st s = { .env = env, .u = &u };
        unsigned long long rnd = 0;
        _cleanup_free_ char *plain = NULL;
        size_t plen = 0;
        int r;

        /* Python's email: 15 '=', 19 random digits, '==' */
        if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
                rnd = (unsigned long long)time(NULL) ^ (unsigned long long)(uintptr_t)&u;
        (void)snprintf(u.boundary, sizeof(u.boundary), "===============%019llu==",
                       rnd % 10000000000000000000ull);
        /* Decompressed once, as cloud-init does: handle() does not again (gzip
         * inside gzip is not cloud-config), and reports a gzip that fails. */
        r = 0;
        if (gzip_is(data, len) && gzip_decode(data, len, env->max, &plain, &plen) >= 0) {
                data = plain;
                len = plen;
                s.top_gunzipped = true;
        }
        if (r >= 0)
                r = handle(&s, data, len, "", NULL, NULL, 0, env->name);
        if (r >= 0 || r == -E2BIG)
                r = processed_message(&u);
        if (plain)
                explicit_bzero(plain, plen);
        node_free(s.vars);
        if (r < 0) {
                userdata_done(&u);
                return r;
        }
        *ret = u;
        return 0;
}
