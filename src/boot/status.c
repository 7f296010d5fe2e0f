/* SPDX-License-Identifier: Apache-2.0 */
/* status.json and result.json (see status.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"
#include "json.h"
#include "log.h"
#include "model.h"
#include "state.h"
#include "status.h"
#include "yaml.h"

/* Module failures of this stage, for its "errors" list. */
#define FAILURES_MAX 64
static char *failures[FAILURES_MAX];
static unsigned n_failures, n_failed;

void status_module_failed(const char *module, int r)
{
        char msg[256];

        /* A command the module ran failed (-EPROTO: bootcmd, scripts, apt-get,
         * useradd...): in cloud-init subp raises and the module fails. Input
         * refused item by item (the rest applied) stays a warning. */
        if (r != -EPROTO)
                return;
        n_failed++;
        if (n_failures == FAILURES_MAX)
                return;
        /* cloud-init writes str((name, exception)) */
        (void)snprintf(msg, sizeof(msg),
                       "('%.64s', RuntimeError('module %.64s failed: a command it ran failed'))",
                       module, module);
        failures[n_failures] = strdup(msg);
        if (failures[n_failures])
                n_failures++;
}

unsigned status_module_failures(void)
{
        return n_failed;
}

static void failures_reset(void)
{
        for (unsigned i = 0; i < n_failures; i++) {
                free(failures[i]);
                failures[i] = NULL;
        }
        n_failures = 0;
}

static const char *const stages[] = { "init-local", "init", "modules-config", "modules-final" };

static struct node *new_stage(void)
{
        struct node *s = node_new(NODE_MAP);
        if (!s || node_set(s, "errors", node_new(NODE_SEQ)) < 0 ||
            node_set(s, "finished", node_new(NODE_NULL)) < 0 ||
            node_set(s, "recoverable_errors", node_new(NODE_MAP)) < 0 ||
            node_set(s, "start", node_new(NODE_NULL)) < 0)
                return node_free(s);
        return s;
}

static struct node *new_status(void)
{
        struct node *doc = node_new(NODE_MAP), *v1 = node_new(NODE_MAP);

        if (!doc || !v1 || node_set(doc, "v1", v1) < 0) {
                node_free(v1);
                return node_free(doc);
        }
        if (node_set(v1, "datasource", node_new(NODE_NULL)) < 0)
                return node_free(doc);
        for (size_t i = 0; i < ELEMENTSOF(stages); i++)
                if (node_set(v1, stages[i], new_stage()) < 0)
                        return node_free(doc);
        if (node_set(v1, "stage", node_new(NODE_NULL)) < 0)
                return node_free(doc);
        return doc;
}

int status_load(int root_fd, const char *path, struct node **ret)
{
        _cleanup_free_ char *data = NULL;
        struct yaml_error err;
        size_t len;
        int r = fs_read_file(root_fd, path, 16u * 1024 * 1024, &data, &len);

        if (r < 0)
                return r;
        r = json_load(data, len, path, ret, &err);
        if (r < 0)
                return log_debug_errno(r, "%s:%u:%u: %s", path, err.line, err.col, err.msg);
        if ((*ret)->type != NODE_MAP || !node_get(*ret, "v1")) {
                *ret = node_free(*ret);
                return -EBADMSG;
        }
        return 0;
}

static int save(int root_fd, const char *path, const char *link, const char *link_target,
                const struct node *doc)
{
        struct buf b = BUF_INIT(16u * 1024 * 1024);
        int r = json_write(&b, doc, 1);

        if (r >= 0)
                r = buf_putc(&b, '\n');
        if (r >= 0)
                r = buf_error(&b);
        if (r >= 0)
                r = fs_write_boot(root_fd, path, b.data ? b.data : "", b.len, 0644);
        buf_free(&b);
        if (r >= 0)
                r = fs_symlink_atomic(root_fd, link_target, link);
        return r;
}

/* shadow: also store the copy the next stage reads instead of the JSON
 * (model_shadow_*); a stage's end does, its beginning need not (the stage
 * keeps its own copy in memory, and a stale copy is never used). */
static int save_status(int root_fd, const struct node *doc, bool shadow)
{
        int r = save(root_fd, STATUS_JSON, STATUS_LINK, "../../var/lib/cloud/data/status.json", doc);

        if (r >= 0 && shadow && model_shadow_store(root_fd, STATUS_SHADOW, STATUS_JSON, doc) < 0)
                log_debug("Cannot store %s", STATUS_SHADOW);
        return r;
}

/* status.json as this process last read or wrote it: a stage reads the
 * file once, at its beginning, and updates its copy after (the stages of a
 * boot run one after the other). Keyed by the root's inode, since tests run
 * several roots in one process. */
static struct {
        struct node *doc;
        dev_t dev;
        ino_t ino;
} cache;

static void cache_drop(void)
{
        cache.doc = node_free(cache.doc);
}

/* The status document of root_fd's root, owned by the cache. */
static struct node *load_or_new(int root_fd)
{
        struct stat st;
        struct node *doc = NULL;

        if (fstat(root_fd, &st) < 0)
                st = (struct stat){ 0 };
        if (cache.doc && cache.dev == st.st_dev && cache.ino == st.st_ino)
                return cache.doc;
        cache_drop();
        if (model_shadow_load(root_fd, STATUS_SHADOW, STATUS_JSON, &doc) < 0 &&
            status_load(root_fd, STATUS_JSON, &doc) < 0)
                doc = new_status();
        cache.doc = doc;
        cache.dev = st.st_dev;
        cache.ino = st.st_ino;
        return doc;
}

int status_reset(int root_fd)
{
        cache_drop();
        (void)fs_unlink(root_fd, STATUS_LINK);
        (void)fs_unlink(root_fd, RESULT_LINK);
        (void)fs_unlink(root_fd, RESULT_JSON);
        return fs_unlink(root_fd, STATUS_JSON);
}

static struct node *stage_node(struct node *doc, const char *stage)
{
        struct node *v1 = node_get(doc, "v1"), *s = node_get(v1, stage);

        if (v1 && (!s || s->type != NODE_MAP)) {
                if (node_set(v1, stage, new_stage()) < 0)
                        return NULL;
                s = node_get(v1, stage);
        }
        return s;
}

static struct node *new_uptime(void)
{
        char text[32];
        struct node *n;

        (void)snprintf(text, sizeof(text), "%.3f", state_uptime());
        n = node_new_str(text);
        if (n)
                n->type = NODE_FLOAT;
        return n;
}

/* The stage's entry started now, without errors: finished now too
 * (finished_now) or not yet. */
static int stage_started(struct node *doc, const char *stage, bool finished_now)
{
        struct node *s = doc ? stage_node(doc, stage) : NULL;
        int r;

        if (!s)
                return -ENOMEM;
        r = node_set(s, "start", new_uptime());
        if (r >= 0)
                r = node_set(s, "finished", finished_now ? new_uptime() : node_new(NODE_NULL));
        if (r >= 0)
                r = node_set(s, "errors", node_new(NODE_SEQ));
        if (r >= 0)
                r = node_set(s, "recoverable_errors", node_new(NODE_MAP));
        return r;
}

int status_stage_begin(int root_fd, const char *stage)
{
        struct node *doc = load_or_new(root_fd);
        int r = stage_started(doc, stage, false);

        if (r >= 0)
                r = node_set(node_get(doc, "v1"), "stage", node_new_str(stage));
        return r < 0 ? r : save_status(root_fd, doc, false);
}

int status_stage_skipped(int root_fd, const char *stage)
{
        return stage_started(load_or_new(root_fd), stage, true);
}

int status_stage_end(int root_fd, const char *stage, const char *datasource, const char *fatal)
{
        struct node *doc = load_or_new(root_fd);
        const struct log_record *rec;
        size_t n = log_records(&rec);
        struct node *s, *recov, *errors;
        int r = 0;

        if (!doc)
                return -ENOMEM;
        s = stage_node(doc, stage);
        if (!s)
                return -ENOMEM;
        errors = node_new(NODE_SEQ);
        recov = node_new(NODE_MAP);
        if (!errors || !recov) {
                node_free(errors);
                node_free(recov);
                return -ENOMEM;
        }
        if (fatal)
                r = node_append(errors, node_new_str(fatal));
        for (unsigned i = 0; i < n_failures && r >= 0; i++)
                r = node_append(errors, node_new_str(failures[i]));
        failures_reset();
        for (size_t i = 0; i < n && r >= 0; i++) {
                const char *lvl = rec[i].level == LOG_LVL_ERROR ? "ERROR" : "WARNING";
                struct node *list = node_get(recov, lvl);
                if (!list) {
                        r = node_set(recov, lvl, node_new(NODE_SEQ));
                        list = node_get(recov, lvl);
                }
                if (r >= 0)
                        r = node_append(list, node_new_str(rec[i].msg));
        }
        if (r >= 0)
                r = node_set(s, "errors", errors);
        else
                node_free(errors);
        if (r >= 0)
                r = node_set(s, "recoverable_errors", recov);
        else
                node_free(recov);
        if (r >= 0)
                r = node_set(s, "finished", new_uptime());
        if (r >= 0 && datasource)
                r = node_set(node_get(doc, "v1"), "datasource", node_new_str(datasource));
        if (r >= 0)
                r = node_set(node_get(doc, "v1"), "stage", node_new(NODE_NULL));
        return r < 0 ? r : save_status(root_fd, doc, true);
}

int status_write_result(int root_fd, const char *datasource)
{
        struct node *doc = load_or_new(root_fd);
        _cleanup_node_ struct node *res = node_new(NODE_MAP);
        struct node *v1 = node_new(NODE_MAP), *errors = node_new(NODE_SEQ);
        int r;

        /* cloud-init's result.json holds the datasource and the errors only:
         * recoverable errors are status.json's */
        if (!doc || !res || !v1 || !errors) {
                node_free(v1);
                node_free(errors);
                return -ENOMEM;
        }
        r = node_set(res, "v1", v1);
        if (r >= 0)
                r = node_set(v1, "datasource",
                             datasource ? node_new_str(datasource) : node_new(NODE_NULL));
        if (r >= 0)
                r = node_set(v1, "errors", errors);
        else
                node_free(errors);
        for (size_t i = 0; i < ELEMENTSOF(stages) && r >= 0; i++) {
                const struct node *s = node_get(node_get(doc, "v1"), stages[i]);
                const struct node *e = node_get(s, "errors");
                for (size_t j = 0; e && e->type == NODE_SEQ && j < e->n && r >= 0; j++)
                        r = node_append(errors, node_copy(e->items[j]));
        }
        if (r < 0)
                return r;
        return save(root_fd, RESULT_JSON, RESULT_LINK, "../../var/lib/cloud/data/result.json", res);
}
