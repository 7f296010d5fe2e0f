/* SPDX-License-Identifier: Apache-2.0 */
/* Running modules: a stage's list, from the merged config, in order, each
 * gated by its activation keys and its frequency's semaphore (see runner.h). */
#include <string.h>


#include "sdproto.h"
#include "config_schema.h"
#include "external.h"
#include "fs.h"
#include "log.h"
#include "runner.h"
#include "status.h"
#include "schema.h"
#include "state.h"

int runner_run_module(const struct module_ctx *ctx, const struct module *m, enum freq freq,
                      bool force)
{
        int r;

        if (!force && state_sem_has(ctx->root_fd, ctx->iid, m->name, freq)) {
                log_debug("Module %s already ran (%s)", m->name, freq_name(freq));
                return 0;
        }
        log_set_module(m->name);
        /* `systemctl status` shows which module runs (NotifyAccess=main) */
        sd_proto_status("%s: running module %s", ctx->stage, m->name);
        log_debug("start: %s/config-%s: running config-%s with frequency %s", ctx->stage, m->name,
                  m->name, freq_name(freq));
        r = m->ext ? external_run(ctx, m, freq) : m->run(ctx);
        if (r < 0)
                status_module_failed(m->name, r);
        log_debug("finish: %s/config-%s: %s", ctx->stage, m->name, r < 0 ? "FAIL" : "SUCCESS");
        log_set_module(NULL);
        /* The semaphore comes after the run: a crash mid-module redoes it next
         * boot. A module that failed is not retried, as in cloud-init. */
        if (state_sem_set(ctx->root_fd, ctx->iid, m->name, freq) < 0)
                log_warning("Cannot record that module %s ran", m->name);
        return r;
}

static bool keys_set(const struct module *m, const struct node *cfg)
{
        if (!m->activate_keys)
                return true;
        for (const char *const *k = m->activate_keys; *k; k++)
                if (node_get_key(cfg, *k))
                        return true;
        return false;
}

/* cloudboot's own modules, which no list needs to name (STAGE_LOCAL's). */
static bool is_own(const char *name)
{
        for (const char *const *n = module_stage_list(STAGE_LOCAL); *n; n++)
                if (streq(*n, name))
                        return true;
        return false;
}

static void list_warn(const struct node *at, const char *key, size_t i, const char *fmt,
                      const char *what)
{
        char pos[512], msg[256];

        schema_pos(at, pos, sizeof(pos));
        (void)snprintf(msg, sizeof(msg), fmt, what);
        log_warning("%s: %s item %zu: %s", pos, key, i, msg);
}

/* cloud-init's form_module_name: '-' is '_', a ".py" and a "cc_" go. */
static bool entry_name(const struct node *n, char *buf, size_t size)
{
        const char *s = node_str(n);
        size_t len;

        if (!s)
                return false;
        while (*s == ' ' || *s == '\t')
                s++;
        len = strlen(s);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        if (len > 3 && strncmp(s + len - 3, ".py", 3) == 0)
                len -= 3;
        if (len > 3 && strncmp(s, "cc_", 3) == 0) {
                s += 3;
                len -= 3;
        }
        if (len == 0 || len >= size)
                return false;
        for (size_t i = 0; i < len; i++)
                buf[i] = s[i] == '-' ? '_' : s[i];
        buf[len] = '\0';
        return module_name_valid(buf);
}

/* One list item into e; false (reported when report) when it is unusable. */
static bool entry_parse(const struct node *item, const char *key, size_t i, bool report,
                        struct runner_entry *e)
{
        const struct node *name = NULL, *freq = NULL;

        *e = (struct runner_entry){ .at = item };
        switch (item->type) {
        case NODE_STR:
                name = item;
                break;
        case NODE_SEQ:
                /* [name, frequency, args...]: args are for cloud-init's Python
                 * handlers; cloudboot's modules read only the config */
                name = item->n > 0 ? item->items[0] : NULL;
                freq = item->n > 1 ? item->items[1] : NULL;
                break;
        case NODE_MAP:
                name = node_get(item, "name");
                freq = node_get(item, "frequency");
                break;
        case NODE_NULL:
                return false; /* cloud-init skips empty items */
        default:
                if (report)
                        list_warn(item, key, i,
                                  "must be a module name, a list or a mapping, not %s",
                                  node_type_name(item->type));
                return false;
        }
        if (!name) {
                if (report)
                        list_warn(item, key, i, "%s", "names no module");
                return false;
        }
        if (!entry_name(name, e->name, sizeof(e->name))) {
                /* never echoed: it may hold anything */
                if (report)
                        list_warn(name, key, i, "%s",
                                  name->type == NODE_STR
                                          ? "not a module name (letters, digits and _ only)"
                                          : "the module name must be a string");
                return false;
        }
        if (freq && freq->type != NODE_NULL) {
                const char *f = node_str(freq);
                if (f && freq_parse(f, &e->freq) >= 0)
                        e->has_freq = true;
                else if (report)
                        list_warn(freq, key, i,
                                  "unknown frequency; the module's own is used (give "
                                  "once-per-instance, always or once)%s",
                                  "");
        }
        return true;
}

void runner_iter_init(struct runner_iter *it, const struct node *cfg, enum stage_kind kind,
                      bool report)
{
        const char *key = stage_list_key(kind);
        const struct node *list = key ? node_get(cfg, key) : NULL;

        *it = (struct runner_iter){ .key = key, .report = report };
        if (list && list->type != NODE_SEQ && list->type != NODE_NULL) {
                /* a broken list must not stop the boot: the default one runs */
                if (report) {
                        char pos[512];
                        schema_pos(list, pos, sizeof(pos));
                        log_warning("%s: %s must be a list, not %s; the default list is used", pos,
                                    key, node_type_name(list->type));
                }
                list = NULL;
        } else if (key && node_get_key(cfg, key) && (!list || list->type == NODE_NULL))
                return; /* null or empty: nothing of the stage runs */
        if (list)
                it->list = list;
        else
                it->defaults = module_stage_list(kind);
}

bool runner_iter_next(struct runner_iter *it, struct runner_entry *ret)
{
        if (it->defaults) {
                if (!it->defaults[it->i])
                        return false;
                *ret = (struct runner_entry){ .at = NULL };
                (void)snprintf(ret->name, sizeof(ret->name), "%s", it->defaults[it->i++]);
                return true;
        }
        while (it->list && it->i < it->list->n) {
                size_t i = it->i++;
                if (i == RUNNER_LIST_MAX) {
                        if (it->report) {
                                char pos[512];
                                schema_pos(it->list->items[i], pos, sizeof(pos));
                                log_warning("%s: %s has %zu items; only the first %u are used", pos,
                                            it->key, it->list->n, RUNNER_LIST_MAX);
                        }
                        return false;
                }
                if (entry_parse(it->list->items[i], it->key, i, it->report, ret))
                        return true;
        }
        return false;
}

size_t runner_stage_entries(const struct node *cfg, enum stage_kind kind, bool report,
                            struct runner_entry *ret, size_t max)
{
        struct runner_entry past;
        struct runner_iter it;
        size_t n = 0;

        /* on to the end, for the reports */
        runner_iter_init(&it, cfg, kind, report);
        while (runner_iter_next(&it, n < max ? &ret[n] : &past))
                if (n < max)
                        n++;
        return n;
}

bool runner_module_listed(const struct node *cfg, const char *name)
{
        struct runner_entry e;

        if (is_own(name))
                return true;
        for (enum stage_kind k = STAGE_INIT; k <= STAGE_FINAL; k++) {
                struct runner_iter it;
                runner_iter_init(&it, cfg, k, false);
                while (runner_iter_next(&it, &e))
                        if (streq(e.name, name))
                                return true;
        }
        return false;
}

bool runner_activated(const struct module *m, const struct node *cfg)
{
        return runner_module_listed(cfg, m->name) && keys_set(m, cfg);
}

/* The modules that own a key of cfg and are not built in: an external one
 * may answer to them. Gathered in one pass over cfg's keys, since the lists
 * name some fifty modules. Returns how many, or SIZE_MAX past max. */
static size_t foreign_owners(const struct node *cfg, const char **owners, size_t max)
{
        size_t n = 0;

        for (size_t i = 0; cfg && cfg->type == NODE_MAP && i + 1 < cfg->n; i += 2) {
                const char *m = node_str(cfg->items[i]) ? schema_key_module(cfg->items[i]->str) : NULL;
                bool seen = false;

                if (!m || module_builtin_find(m))
                        continue;
                for (size_t j = 0; j < n && !seen; j++)
                        seen = streq(owners[j], m);
                if (seen)
                        continue;
                if (n == max)
                        return SIZE_MAX;
                owners[n++] = m;
        }
        return n;
}

/* Could an external module answer to this listed name? Any name that is not
 * built in, except a cloud-init module none of whose keys cfg sets (Debian's
 * lists name many: they must not cost a directory scan every boot). */
static bool wants_external(const char *name, const char *const *owners, size_t n)
{
        if (module_builtin_find(name))
                return false;
        if (!module_is_cloud_init_name(name) || n == SIZE_MAX)
                return true;
        for (size_t i = 0; i < n; i++)
                if (streq(owners[i], name))
                        return true;
        return false;
}

/* Does cfg set a key of this (not built-in) module? */
static bool owns_a_key(const struct node *cfg, const char *name)
{
        const char *owners[32];

        return wants_external(name, owners, foreign_owners(cfg, owners, ELEMENTSOF(owners)));
}

int runner_load_modules(int root_fd, const struct node *cfg)
{
        const char *owners[32];
        size_t n;
        struct runner_entry e;

        if (external_registry())
                return 0;
        /* the admin's directory may replace built-ins: one stat when it is absent */
        if (fs_exists(root_fd, EXTERNAL_DIR_LOCAL))
                return external_load(root_fd);
        n = foreign_owners(cfg, owners, ELEMENTSOF(owners));
        for (enum stage_kind k = STAGE_INIT; k <= STAGE_FINAL; k++) {
                struct runner_iter it;
                runner_iter_init(&it, cfg, k, false);
                while (runner_iter_next(&it, &e))
                        if (wants_external(e.name, owners, n))
                                return external_load(root_fd);
        }
        return 0;
}

const struct module *runner_find(int root_fd, const char *name)
{
        const struct module *m = module_find(name);

        if (m || external_registry())
                return m;
        return external_load(root_fd) < 0 ? NULL : module_find(name);
}

/* What runner_run_stage() does with one entry of a stage's list; decided in
 * one place, so that runner_stage_idle() cannot tell a different story. */
enum entry_plan {
        PLAN_MARK, /* a cloud-init module cloudboot lacks that runs without keys,
                    * none set: only marked as run, as cloud-init marks it */
        PLAN_AT_KEYS, /* a cloud-init module cloudboot lacks: reported at its keys */
        PLAN_UNKNOWN, /* no module at all by that name: a warning */
        PLAN_OWN, /* cloudboot's own, run before the list */
        PLAN_NO_KEYS, /* none of its activation keys set */
        PLAN_NOT_FOR_DISTRO, /* not verified on this distro: an info line */
        PLAN_RUN, /* run at *ret_freq, unless its semaphore says it ran */
};

static enum entry_plan plan_entry(const struct module_ctx *ctx, enum stage_kind kind,
                                  const struct runner_entry *e, const struct module **ret_m,
                                  enum freq *ret_freq)
{
        const struct module *m = module_find(e->name);

        *ret_m = m;
        if (!m) {
                /* an external one is loaded only for its keys: with none set,
                 * a keyless cloud-init module would have nothing to do here */
                *ret_freq = e->has_freq ? e->freq : FREQ_INSTANCE;
                if (module_runs_without_keys(e->name) && !owns_a_key(ctx->cfg, e->name) &&
                    !schema_module_not_for_distro(ctx->cfg, e->name))
                        return PLAN_MARK;
                return module_is_cloud_init_name(e->name) ? PLAN_AT_KEYS : PLAN_UNKNOWN;
        }
        *ret_freq = e->has_freq ? e->freq : m->freq;
        if (kind == STAGE_INIT && is_own(m->name))
                return PLAN_OWN;
        if (!keys_set(m, ctx->cfg))
                return PLAN_NO_KEYS;
        if (schema_module_not_for_distro(ctx->cfg, m->name))
                return PLAN_NOT_FOR_DISTRO;
        return PLAN_RUN;
}

/* A listed name nothing answers to (PLAN_UNKNOWN). */
static void report_missing(const struct runner_entry *e, enum stage_kind kind)
{
        char pos[512];

        schema_pos(e->at, pos, sizeof(pos));
        log_warning("%s: %s: no module named %s (neither built in nor installed in %s or %s); "
                    "skipped",
                    pos, stage_list_key(kind), e->name, EXTERNAL_DIR_PKG, EXTERNAL_DIR_LOCAL);
}

int runner_run_stage(const struct module_ctx *ctx, enum stage_kind kind)
{
        struct runner_iter it;
        struct runner_entry e;
        int failed = 0;

        if (kind == STAGE_INIT) {
                /* cloudboot's own first, in case no datasource was found before
                 * the network (the semaphore keeps it to once per instance) */
                for (const char *const *own = module_stage_list(STAGE_LOCAL); *own; own++) {
                        const struct module *m = module_find(*own);
                        if (m && runner_run_module(ctx, m, m->freq, false) < 0)
                                failed++;
                }
        }
        /* every key this stage is answerable for: applied, or said why not */
        if (kind != STAGE_LOCAL)
                (void)runner_load_modules(ctx->root_fd, ctx->cfg);
        schema_report_stage(ctx->cfg, kind);
        runner_iter_init(&it, ctx->cfg, kind, true);
        while (runner_iter_next(&it, &e)) {
                const struct module *m;
                enum freq f;

                switch (plan_entry(ctx, kind, &e, &m, &f)) {
                case PLAN_MARK:
                        if (!state_sem_has(ctx->root_fd, ctx->iid, e.name, f) &&
                            state_sem_set(ctx->root_fd, ctx->iid, e.name, f) < 0)
                                log_warning("Cannot record that module %s ran", e.name);
                        break;
                case PLAN_UNKNOWN:
                        report_missing(&e, kind);
                        break;
                case PLAN_AT_KEYS:
                case PLAN_OWN: /* ran above */
                        break;
                case PLAN_NO_KEYS:
                        log_debug("Module %s: none of its keys are set; skipped", m->name);
                        break;
                case PLAN_NOT_FOR_DISTRO:
                        /* its keys were reported at their position above */
                        log_info("Skipping modules '%s' because they are not verified on "
                                 "distro '%s'.  To run anyway, add them to "
                                 "'unverified_modules' in config.",
                                 m->name, schema_distro(ctx->cfg));
                        break;
                case PLAN_RUN:
                        if (schema_module_unverified(ctx->cfg, m->name))
                                log_info("running unverified_modules: '%s'", m->name);
                        if (runner_run_module(ctx, m, f, false) < 0)
                                failed++;
                        break;
                }
        }
        return failed;
}

void runner_prepare_stage(const struct module_ctx *ctx, enum stage_kind kind)
{
        struct runner_iter it;
        struct runner_entry e;

        runner_iter_init(&it, ctx->cfg, kind, false);
        while (runner_iter_next(&it, &e)) {
                const struct module *m;
                enum freq f;

                if (plan_entry(ctx, kind, &e, &m, &f) != PLAN_RUN || !m->prepare ||
                    state_sem_has(ctx->root_fd, ctx->iid, m->name, f))
                        continue;
                log_set_module(m->name);
                (void)m->prepare(ctx);
                log_set_module(NULL);
        }
}

bool runner_stage_idle(const struct module_ctx *ctx, enum stage_kind kind)
{
        struct runner_iter it;
        struct runner_entry e;

        runner_iter_init(&it, ctx->cfg, kind, false);
        while (runner_iter_next(&it, &e)) {
                const struct module *m;
                enum freq f;

                switch (plan_entry(ctx, kind, &e, &m, &f)) {
                case PLAN_MARK:
                        if (!state_sem_has(ctx->root_fd, ctx->iid, e.name, f))
                                return false;
                        break;
                case PLAN_RUN:
                        /* FREQ_ALWAYS has no semaphore: such a module always runs */
                        if (!state_sem_has(ctx->root_fd, ctx->iid, m->name, f))
                                return false;
                        break;
                case PLAN_UNKNOWN: /* a warning the stage would give */
                case PLAN_NOT_FOR_DISTRO: /* its info line is the stage's to give */
                        return false;
                case PLAN_AT_KEYS:
                case PLAN_OWN:
                case PLAN_NO_KEYS:
                        break;
                }
        }
        return true;
}
