/* SPDX-License-Identifier: Apache-2.0 */
/* External modules: loading descriptors, their JSON schema as cloudboot's
 * schema, and running their programs (see external.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "external.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "schema.h"
#include "scripts.h"
#include "state.h"
#include "users.h"
#include "valid.h"
#include "yaml.h"

/* Everything one translated schema allocated, freed together. */
struct external_schema {
        void **p;
        size_t n, cap;
};

struct external {
        struct module mod;
        char name[72];
        char *source; /* the descriptor's path in the target */
        char *program; /* the program's path in the target */
        enum stage_kind stage;
        unsigned timeout;
        bool replaces;
        struct node *desc; /* names and enums point into it */
        struct external_schema *schema;
        const char **activate;
};

static struct external **exts;
static size_t n_exts;
static const struct module **registry;

/* --- the schema ---------------------------------------------------------- */

struct xlate {
        struct external_schema *arena;
        const char *file;
        bool bad;
};

static void *arena_alloc(struct xlate *x, size_t size)
{
        struct external_schema *a = x->arena;
        void *p;

        if (a->n == a->cap) {
                size_t cap = a->cap ? a->cap * 2 : 16;
                void **np = reallocarray(a->p, cap, sizeof(*np));
                if (!np)
                        return NULL;
                a->p = np;
                a->cap = cap;
        }
        p = calloc(1, size ? size : 1);
        if (p)
                a->p[a->n++] = p;
        return p;
}

struct external_schema *external_schema_free(struct external_schema *s)
{
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n; i++)
                free(s->p[i]);
        free(s->p);
        free(s);
        return NULL;
}

static void xlate_error(struct xlate *x, const struct node *at, const char *fmt, const char *what)
{
        char msg[256];

        (void)snprintf(msg, sizeof(msg), fmt, what);
        log_warning("%s:%u:%u: %s", x->file, at ? at->line : 0, at ? at->col : 0, msg);
        x->bad = true;
}

static unsigned type_bit(const char *t)
{
        static const struct {
                const char *name;
                unsigned bits;
        } types[] = {
                { "object", T_MAP },           { "array", T_SEQ },    { "string", T_STR },
                { "integer", T_INT },          { "boolean", T_BOOL }, { "null", T_NULL },
                { "number", T_INT | T_FLOAT },
        };
        for (size_t i = 0; t && i < ELEMENTSOF(types); i++)
                if (streq(types[i].name, t))
                        return types[i].bits;
        return 0;
}

static const struct schema *xlate(struct xlate *x, const struct node *js, unsigned depth);

static bool xlate_type(struct xlate *x, const struct node *t, struct schema *s)
{
        if (t->type == NODE_STR) {
                s->types = type_bit(t->str);
                if (!s->types)
                        xlate_error(x, t, "schema: unknown type '%.32s'", t->str);
                return s->types != 0;
        }
        if (t->type != NODE_SEQ || t->n == 0) {
                xlate_error(x, t, "schema: %s", "type must be a name or a list of names");
                return false;
        }
        s->types = 0;
        for (size_t i = 0; i < t->n; i++) {
                unsigned b = type_bit(node_str(t->items[i]));
                if (!b) {
                        xlate_error(x, t->items[i], "schema: %s", "unknown type");
                        return false;
                }
                s->types |= b;
        }
        return true;
}

static bool xlate_props(struct xlate *x, const struct node *props, const struct node *required,
                        unsigned depth, struct schema *s)
{
        size_t n = props ? props->n / 2 : 0, extra = required ? required->n : 0, j = 0;
        struct schema_prop *p;

        if (props && props->type != NODE_MAP) {
                xlate_error(x, props, "schema: %s", "properties must be a mapping");
                return false;
        }
        if (required && required->type != NODE_SEQ) {
                xlate_error(x, required, "schema: %s", "required must be a list of names");
                return false;
        }
        p = arena_alloc(x, (n + extra + 1) * sizeof(*p));
        if (!p)
                return false;
        for (size_t i = 0; i < n; i++) {
                const struct node *k = props->items[2 * i];
                if (!node_str(k)) {
                        xlate_error(x, k, "schema: %s", "a property name must be a string");
                        return false;
                }
                p[j].name = k->str;
                p[j].schema = xlate(x, props->items[2 * i + 1], depth + 1);
                if (!p[j].schema)
                        return false;
                j++;
        }
        for (size_t i = 0; i < extra; i++) {
                const char *name = node_str(required->items[i]);
                size_t k;
                if (!name) {
                        xlate_error(x, required->items[i], "schema: %s",
                                    "a required name must be a string");
                        return false;
                }
                for (k = 0; k < j && !streq(p[k].name, name); k++)
                        ;
                if (k == j)
                        p[j++].name = name; /* required, any value */
                p[k].required = true;
        }
        s->props = p;
        return true;
}

static const struct schema *xlate(struct xlate *x, const struct node *js, unsigned depth)
{
        static const char *const ignored[] = { "description", "title",    "default",
                                               "examples",    "$comment", "deprecated" };
        const struct node *props = NULL, *required = NULL;
        struct schema *s;

        if (depth > EXTERNAL_SCHEMA_DEPTH) {
                xlate_error(x, js, "schema: nested deeper than %s levels", "16");
                return NULL;
        }
        if (js->type != NODE_MAP) {
                xlate_error(x, js, "schema: a schema must be a mapping, not %s",
                            node_type_name(js->type));
                return NULL;
        }
        s = arena_alloc(x, sizeof(*s));
        if (!s)
                return NULL;
        s->types = T_ANY;
        for (size_t i = 0; i + 1 < js->n; i += 2) {
                const struct node *k = js->items[i], *v = js->items[i + 1];
                const char *key = node_str(k);
                bool skip = false;

                for (size_t g = 0; key && g < ELEMENTSOF(ignored); g++)
                        skip = skip || streq(key, ignored[g]);
                if (skip)
                        continue;
                if (!key) {
                        xlate_error(x, k, "schema: %s", "keywords must be strings");
                        return NULL;
                } else if (streq(key, "type")) {
                        if (!xlate_type(x, v, s))
                                return NULL;
                } else if (streq(key, "properties")) {
                        props = v;
                } else if (streq(key, "required")) {
                        required = v;
                } else if (streq(key, "items")) {
                        s->items = xlate(x, v, depth + 1);
                        if (!s->items)
                                return NULL;
                } else if (streq(key, "additionalProperties")) {
                        if (v->type != NODE_BOOL) {
                                xlate_error(x, v, "schema: %s",
                                            "additionalProperties must be true or false");
                                return NULL;
                        }
                        s->closed = !v->b;
                } else if (streq(key, "enum")) {
                        const char **e;
                        if (v->type != NODE_SEQ || v->n == 0) {
                                xlate_error(x, v, "schema: %s", "enum must be a list of strings");
                                return NULL;
                        }
                        e = arena_alloc(x, (v->n + 1) * sizeof(*e));
                        if (!e)
                                return NULL;
                        for (size_t j = 0; j < v->n; j++) {
                                e[j] = node_str(v->items[j]);
                                if (!e[j]) {
                                        xlate_error(x, v->items[j], "schema: %s",
                                                    "enum values must be strings");
                                        return NULL;
                                }
                        }
                        s->enums = e;
                } else {
                        /* refused rather than ignored: no constraint is dropped quietly */
                        xlate_error(x, k,
                                    "schema: keyword '%.40s' is not supported (api 1 knows "
                                    "type, properties, items, enum, required, "
                                    "additionalProperties)",
                                    key);
                        return NULL;
                }
        }
        if ((props || required) && !xlate_props(x, props, required, depth, s))
                return NULL;
        return s;
}

int external_schema_from(const struct node *desc, const char *file, struct external_schema **ret,
                         const struct schema_prop **ret_props)
{
        struct external_schema *a = calloc(1, sizeof(*a));
        struct xlate x = { .arena = a, .file = file };
        const struct schema *s;

        if (!a)
                return -ENOMEM;
        s = xlate(&x, desc, 0);
        if (!s || x.bad || !(s->types & T_MAP) || !s->props) {
                if (s && !x.bad)
                        xlate_error(&x, desc, "schema: %s",
                                    "must be an object schema with properties (the keys the "
                                    "module owns)");
                external_schema_free(a);
                return -EINVAL;
        }
        *ret = a;
        *ret_props = s->props;
        return 0;
}

/* --- loading ------------------------------------------------------------- */

static struct external *external_free(struct external *e)
{
        if (!e)
                return NULL;
        free(e->source);
        free(e->program);
        free(e->activate);
        external_schema_free(e->schema);
        node_free(e->desc);
        free(e);
        return NULL;
}

void external_unload(void)
{
        for (size_t i = 0; i < n_exts; i++)
                external_free(exts[i]);
        free(exts);
        free(registry);
        exts = NULL;
        n_exts = 0;
        registry = NULL;
}

const struct module *const *external_registry(void)
{
        return registry;
}

static const struct external *ext_of(const struct module *m)
{
        return m->ext;
}

enum stage_kind external_stage(const struct module *m)
{
        return ext_of(m)->stage;
}

const char *external_replaces(const struct module *m)
{
        return ext_of(m)->replaces ? m->name : NULL;
}

/* Owned by root and writable by no one else: a file cloudboot runs or trusts
 * as root must not be one a user could have changed. */
static bool trusted(const struct stat *st)
{
        return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* Read NAME from the directory dfd: a root-owned regular file, no symlink. */
static int read_descriptor(int dfd, const char *name, const char *path, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t len = 0;

        if (fd < 0)
                return log_warning_errno(-errno, "%s: cannot open: %m; skipped", path);
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || !trusted(&st)) {
                log_warning("%s: not a regular file owned by root and writable by root alone; "
                            "skipped",
                            path);
                return -EPERM;
        }
        if ((size_t)st.st_size > EXTERNAL_DESC_MAX) {
                log_warning("%s: larger than %u bytes; skipped", path, EXTERNAL_DESC_MAX);
                return -E2BIG;
        }
        data = malloc(EXTERNAL_DESC_MAX + 1);
        if (!data)
                return -ENOMEM;
        for (;;) {
                ssize_t k = read(fd, data + len, EXTERNAL_DESC_MAX + 1 - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return log_warning_errno(-errno, "%s: cannot read: %m; skipped", path);
                if (k == 0)
                        break;
                len += (size_t)k;
                if (len > EXTERNAL_DESC_MAX) {
                        log_warning("%s: larger than %u bytes; skipped", path, EXTERNAL_DESC_MAX);
                        return -E2BIG;
                }
        }
        data[len] = '\0';
        *ret = TAKE_PTR(data);
        *ret_len = len;
        return 0;
}

static void desc_error(const char *path, const struct node *at, const char *msg, const char *what)
{
        char buf[256];

        (void)snprintf(buf, sizeof(buf), msg, what);
        log_warning("%s:%u:%u: %s; module skipped", path, at ? at->line : 1, at ? at->col : 1, buf);
}

static const char *const desc_keys[] = {
        "api",     "name",    "description", "stage",  "frequency",
        "program", "timeout", "replaces",    "schema", "activate_by_schema_keys",
};

static bool parse_stage(const char *s, enum stage_kind *ret)
{
        static const struct {
                const char *name;
                enum stage_kind k;
        } names[] = {
                { "init", STAGE_INIT },           { "config", STAGE_CONFIG },
                { "final", STAGE_FINAL },         { "modules-config", STAGE_CONFIG },
                { "modules-final", STAGE_FINAL },
        };
        for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
                if (streq(names[i].name, s)) {
                        *ret = names[i].k;
                        return true;
                }
        return false;
}

/* The descriptor in desc (read from dir/file) as a module; NULL when it is
 * bad (reported). */
static struct external *parse_descriptor(struct node *desc, const char *dir, const char *file,
                                         const char *path, bool local)
{
        struct external *e = NULL;
        const struct node *v, *api, *name, *schema, *act;
        const char *prog, *s;
        char base[72];
        size_t blen = strcspn(file, ".");

        if (desc->type != NODE_MAP) {
                desc_error(path, desc, "a descriptor must be a mapping, not %s",
                           node_type_name(desc->type));
                return NULL;
        }
        for (size_t i = 0; i + 1 < desc->n; i += 2) {
                const char *k = node_str(desc->items[i]);
                bool known = false;
                for (size_t j = 0; k && j < ELEMENTSOF(desc_keys); j++)
                        known = known || streq(desc_keys[j], k);
                if (!known) {
                        desc_error(path, desc->items[i], "unknown key '%.40s' (api 1)",
                                   k ? k : "?");
                        return NULL;
                }
        }
        api = node_get(desc, "api");
        if (!api || api->type != NODE_INT || api->i != EXTERNAL_API) {
                desc_error(path, api ? api : desc, "%s",
                           "'api: 1' is needed (the only protocol version there is)");
                return NULL;
        }
        name = node_get(desc, "name");
        (void)snprintf(base, sizeof(base), "%.*s", (int)(blen < 71 ? blen : 71), file);
        if (!node_str(name) || !module_name_valid(name->str) || !streq(name->str, base)) {
                desc_error(path, name ? name : desc,
                           "'name' must be the file's name without .json or .yaml ('%s'): "
                           "letters, digits and _",
                           module_name_valid(base) ? base : "?");
                return NULL;
        }
        e = calloc(1, sizeof(*e));
        if (!e)
                return NULL;
        (void)snprintf(e->name, sizeof(e->name), "%s", name->str);
        e->mod.name = e->name;
        e->mod.ext = e;
        e->mod.freq = FREQ_INSTANCE;
        e->stage = STAGE_FINAL;
        e->timeout = EXTERNAL_TIMEOUT_DEFAULT;

        if ((v = node_get(desc, "stage")) && !parse_stage(node_str(v), &e->stage)) {
                desc_error(path, v, "%s", "'stage' must be init, config or final");
                return external_free(e);
        }
        if ((v = node_get(desc, "frequency")) &&
            (!node_str(v) || freq_parse(v->str, &e->mod.freq) < 0)) {
                desc_error(path, v, "%s", "'frequency' must be once-per-instance, always or once");
                return external_free(e);
        }
        if ((v = node_get(desc, "timeout")) &&
            (v->type != NODE_INT || v->i < 1 || v->i > EXTERNAL_TIMEOUT_MAX)) {
                desc_error(path, v, "%s", "'timeout' must be a number of seconds, 1 to 86400");
                return external_free(e);
        }
        if (v)
                e->timeout = (unsigned)v->i;
        if ((v = node_get(desc, "description")) && !node_str(v)) {
                desc_error(path, v, "%s", "'description' must be a string");
                return external_free(e);
        }
        v = node_get(desc, "program");
        prog = v ? node_str(v) : e->name;
        /* the program lives beside its descriptor: a plain file name */
        if (!prog || !*prog || strchr(prog, '/') || streq(prog, ".") || streq(prog, "..") ||
            strlen(prog) > 128) {
                desc_error(path, v, "%s",
                           "'program' must be a file name in the descriptor's directory");
                return external_free(e);
        }
        for (s = prog; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f) {
                        desc_error(path, v, "%s", "'program' holds a control character");
                        return external_free(e);
                }
        if (asprintf(&e->program, "%s/%s", dir, prog) < 0 || asprintf(&e->source, "%s", path) < 0) {
                e->program = e->source = NULL;
                return external_free(e);
        }
        e->mod.source = e->source;
        if ((v = node_get(desc, "replaces"))) {
                if (!node_str(v) || !streq(v->str, e->name)) {
                        desc_error(path, v, "%s",
                                   "'replaces' must name the module itself (the built-in it "
                                   "takes the place of)");
                        return external_free(e);
                }
                e->replaces = true;
        }
        if (module_builtin_find(e->name)) {
                if (!e->replaces || !local) {
                        desc_error(path, name,
                                   "module %s is built in; an external module takes its place "
                                   "only from " EXTERNAL_DIR_LOCAL " with 'replaces: NAME'",
                                   e->name);
                        return external_free(e);
                }
                log_info("%s: module %s replaces the built-in one", path, e->name);
        } else if (e->replaces) {
                desc_error(path, node_get(desc, "replaces"), "there is no built-in module %s",
                           e->name);
                return external_free(e);
        }
        schema = node_get(desc, "schema");
        if (!schema) {
                desc_error(path, desc, "%s", "'schema' is needed (the keys the module owns)");
                return external_free(e);
        }
        if (external_schema_from(schema, path, &e->schema, &e->mod.keys) < 0) {
                log_warning("%s: module %s skipped", path, e->name);
                return external_free(e);
        }
        act = node_get(desc, "activate_by_schema_keys");
        if (act && act->type != NODE_SEQ) {
                desc_error(path, act, "%s", "'activate_by_schema_keys' must be a list of keys");
                return external_free(e);
        }
        {
                size_t n = 0, cap = act ? act->n : 0;
                for (const struct schema_prop *p = e->mod.keys; !act && p->name; p++)
                        cap++;
                e->activate = calloc(cap + 1, sizeof(*e->activate));
                if (!e->activate)
                        return external_free(e);
                for (size_t i = 0; act && i < act->n; i++) {
                        if (!node_str(act->items[i])) {
                                desc_error(path, act->items[i], "%s",
                                           "activate_by_schema_keys: keys are strings");
                                return external_free(e);
                        }
                        e->activate[n++] = act->items[i]->str;
                }
                for (const struct schema_prop *p = e->mod.keys; !act && p->name; p++)
                        e->activate[n++] = p->name;
                /* an empty list: run whatever the config says, as cloud-init */
                e->mod.activate_keys = n ? e->activate : NULL;
        }
        return e;
}

int external_parse(const char *data, size_t len, const char *dir, const char *file, bool local,
                   const struct module **ret)
{
        _cleanup_node_ struct node *desc = NULL;
        struct yaml_limits lim = { .max_bytes = EXTERNAL_DESC_MAX,
                                   .max_depth = 2 * EXTERNAL_SCHEMA_DEPTH + 8,
                                   .max_nodes = 20000 };
        struct yaml_error err;
        struct external *e;
        char path[512];

        (void)snprintf(path, sizeof(path), "%s/%s", dir, file);
        if (yaml_load(data, len, path, &lim, &desc, &err) < 0) {
                log_warning("%s:%u:%u: %s; module skipped", path, err.line, err.col, err.msg);
                return -EBADMSG;
        }
        e = parse_descriptor(desc, dir, file, path, local);
        if (!e)
                return -EINVAL;
        e->desc = TAKE_PTR(desc);
        *ret = &e->mod;
        return 0;
}

void external_module_free(const struct module *m)
{
        if (m)
                external_free((struct external *)m->ext);
}

/* A key another module already owns would be validated by that module's
 * schema alone. */
static const char *key_clash(const struct external *e, const struct module *const *mods)
{
        for (; *mods; mods++) {
                if (*mods == &e->mod || streq((*mods)->name, e->name))
                        continue;
                for (const struct schema_prop *p = (*mods)->keys; p && p->name; p++)
                        for (const struct schema_prop *q = e->mod.keys; q->name; q++)
                                if (streq(p->name, q->name))
                                        return q->name;
        }
        return NULL;
}

static int add_external(struct external *e)
{
        for (size_t i = 0; i < n_exts; i++)
                if (streq(exts[i]->name, e->name)) {
                        /* the admin's directory comes second and wins */
                        log_info("%s: module %s takes the place of %s", e->source, e->name,
                                 exts[i]->source);
                        external_free(exts[i]);
                        exts[i] = e;
                        return 0;
                }
        struct external **n = reallocarray(exts, n_exts + 1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        exts = n;
        exts[n_exts++] = e;
        return 0;
}

static int load_dir(int root_fd, const char *dir, bool local)
{
        _cleanup_close_ int dfd =
                fs_open_in_root(root_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        char **names = NULL;
        size_t n = 0;
        struct stat st;
        int r;

        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return log_warning_errno(dfd, "Cannot open %s: %m; its modules are ignored", dir);
        if (fstat(dfd, &st) < 0 || !trusted(&st)) {
                log_warning("%s is not owned by root or is writable by others; its modules are "
                            "ignored",
                            dir);
                return 0;
        }
        r = fs_list_dir(root_fd, dir, "*.[jy][sa][om][nl]", EXTERNAL_MAX + 1, &names, &n);
        if (r < 0)
                return log_warning_errno(r, "Cannot list %s: %m", dir);
        if (n > EXTERNAL_MAX) {
                log_warning("%s holds more than %u descriptors; only the first are read", dir,
                            EXTERNAL_MAX);
                n = EXTERNAL_MAX;
        }
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *data = NULL, *path = NULL;
                const struct module *m;
                struct external *e;
                size_t len = 0;
                const char *dot = strrchr(names[i], '.');

                if (!dot || (!streq(dot, ".json") && !streq(dot, ".yaml")))
                        continue;
                if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
                        path = NULL;
                        r = -ENOMEM;
                        break;
                }
                if (read_descriptor(dfd, names[i], path, &data, &len) < 0)
                        continue;
                if (external_parse(data, len, dir, names[i], local, &m) < 0)
                        continue;
                e = (struct external *)m->ext;
                r = add_external(e);
                if (r < 0)
                        external_free(e);
        }
        fs_list_free(names, n);
        return r;
}

int external_load(int root_fd)
{
        const struct module *const *b = module_builtins();
        size_t nb = 0, k = 0;
        int r;

        if (registry)
                return (int)n_exts;
        r = load_dir(root_fd, EXTERNAL_DIR_PKG, false);
        if (r >= 0)
                r = load_dir(root_fd, EXTERNAL_DIR_LOCAL, true);
        if (r < 0) {
                external_unload();
                return r;
        }
        while (b[nb])
                nb++;
        registry = calloc(nb + n_exts + 1, sizeof(*registry));
        if (!registry) {
                external_unload();
                return -ENOMEM;
        }
        for (size_t i = 0; i < nb; i++) {
                bool replaced = false;
                for (size_t j = 0; j < n_exts; j++)
                        replaced = replaced || streq(exts[j]->name, b[i]->name);
                if (!replaced)
                        registry[k++] = b[i];
        }
        for (size_t j = 0; j < n_exts; j++) {
                const char *clash;
                registry[k] = &exts[j]->mod;
                registry[k + 1] = NULL;
                clash = key_clash(exts[j], registry);
                if (clash) {
                        log_warning("%s: key '%s' belongs to another module; module %s skipped",
                                    exts[j]->source, clash, exts[j]->name);
                        registry[k] = NULL;
                        continue;
                }
                k++;
        }
        registry[k] = NULL;
        if (n_exts)
                log_debug("Loaded %zu external module(s)", n_exts);
        return (int)n_exts;
}

/* --- running ------------------------------------------------------------- */

/* {KEY: value, ...} of the keys the module owns that cfg sets. */
static int module_input(const struct module *m, const struct node *cfg, struct buf *out)
{
        _cleanup_node_ struct node *in = node_new(NODE_MAP);
        int r = in ? 0 : -ENOMEM;

        for (const struct schema_prop *p = m->keys; p && p->name && r >= 0; p++) {
                const struct node *v = node_get(cfg, p->name);
                if (v)
                        r = node_set(in, p->name, node_copy(v));
        }
        if (r >= 0)
                r = json_write(out, in, 0);
        if (r >= 0)
                r = buf_putc(out, '\n');
        return r;
}

/* The program's private directory: instances/IID/modules/NAME, 0700. */
static int make_workdir(const struct module_ctx *ctx, const char *name)
{
        char path[512];

        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/modules/%s", ctx->iid, name);
        return fs_mkdir_private(ctx->root_fd, path);
}

static int check_program(const struct module_ctx *ctx, const struct external *e)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -1;
        const char *base;
        struct stat st;
        int r = fs_split_path(e->program, &dir, &base);

        if (r < 0)
                return r;
        dfd = fs_open_in_root(ctx->root_fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (dfd < 0)
                return dfd;
        if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || !trusted(&st) || !(st.st_mode & S_IXUSR))
                return -EPERM;
        return 0;
}

int external_run(const struct module_ctx *ctx, const struct module *m, enum freq freq)
{
        const struct external *e = ext_of(m);
        struct buf input = BUF_INIT(EXTERNAL_INPUT_MAX);
        char env_api[32], env_root[32], env_iid[600], env_ds[600], env_stage[64], env_freq[64],
                env_work[600], env_user[128];
        char *envv[] = { env_api,  env_root, env_iid, env_ds, env_stage,
                         env_freq, env_work, NULL,    NULL };
        _cleanup_(node_freep) struct node *users = NULL;
        char *argv[] = { e->program, NULL };
        struct exec_opts o;
        int status = 0, r;

        r = check_program(ctx, e);
        if (r < 0) {
                log_warning("Module %s: %s is not an executable regular file owned by root and "
                            "writable by root alone (%s); not run",
                            m->name, e->program, strerror(-r));
                return -EPROTO;
        }
        r = make_workdir(ctx, m->name);
        if (r < 0)
                return log_warning_errno(r, "Module %s: cannot make its work directory: %m",
                                         m->name);
        r = module_input(m, ctx->cfg, &input);
        if (r < 0) {
                buf_free_secret(&input);
                return log_warning_errno(r, "Module %s: its config does not fit in %u bytes",
                                         m->name, EXTERNAL_INPUT_MAX);
        }
        (void)snprintf(env_api, sizeof(env_api), "CLOUDBOOT_API=%d", EXTERNAL_API);
        /* api 1 runs the program in the target (chrooted under --root): its root is / */
        (void)snprintf(env_root, sizeof(env_root), "CLOUDBOOT_ROOT=/");
        (void)snprintf(env_iid, sizeof(env_iid), "CLOUDBOOT_INSTANCE_ID=%s",
                       ctx->iid_raw ? ctx->iid_raw : "");
        (void)snprintf(env_ds, sizeof(env_ds), "CLOUDBOOT_DATASOURCE=%s",
                       ctx->datasource ? ctx->datasource : "");
        (void)snprintf(env_stage, sizeof(env_stage), "CLOUDBOOT_STAGE=%s", ctx->stage);
        (void)snprintf(env_freq, sizeof(env_freq), "CLOUDBOOT_FREQUENCY=%s", freq_name(freq));
        (void)snprintf(env_work, sizeof(env_work),
                       "CLOUDBOOT_WORKDIR=" CLOUD_DIR "/instance/modules/%s", m->name);
        /* The default user, as users_groups makes it: modules that act for
         * "the default user" (byobu, ansible's run_user...) get its name
         * without the whole configuration. */
        if (users_normalize(ctx->cfg, &users) >= 0) {
                const char *name = users_default_name(users);

                if (name && valid_user_name(name) == NULL &&
                    snprintf(env_user, sizeof(env_user), "CLOUDBOOT_DEFAULT_USER=%s", name) <
                            (int)sizeof(env_user))
                        envv[7] = env_user;
        }
        exec_opts_target(ctx, &o);
        o.env = envv;
        o.timeout_sec = e->timeout;
        o.input = input.data;
        o.input_len = input.len;
        log_info("Running external module %s (%s)", m->name, e->program);
        r = exec_argv(&o, argv, &status);
        buf_free_secret(&input);
        if (r == -ETIMEDOUT) {
                log_warning("Module %s: %s ran longer than %u s and was killed", m->name,
                            e->program, e->timeout);
                return r;
        }
        if (r < 0)
                return log_warning_errno(r, "Module %s: cannot run %s: %m", m->name, e->program);
        if (status != 0) {
                log_warning("Module %s failed: %s exited with status %d", m->name, e->program,
                            status);
                return -EPROTO;
        }
        return 0;
}
