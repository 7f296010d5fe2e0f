/* SPDX-License-Identifier: Apache-2.0 */
/* The external-module frame (see extmod.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "extmod.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "macro.h"
#include "node.h"
#include "schema.h"
#include "yaml.h"

/* What cloudboot sends on stdin is the module's keys, already checked against
 * the descriptor: the bound is the user-data's own. */
#define EXTMOD_INPUT_MAX (16u * 1024 * 1024)
#define EXTMOD_DESCRIPTOR_MAX (256u * 1024)

static const struct {
        unsigned bit;
        const char *name;
} json_types[] = {
        { T_NULL, "null" },    { T_BOOL, "boolean" }, { T_INT, "integer" }, { T_FLOAT, "number" },
        { T_STR, "string" },   { T_SEQ, "array" },    { T_MAP, "object" },
};

static void schema_json(struct buf *b, const struct schema *s);

static void props_json(struct buf *b, const struct schema_prop *props, bool closed)
{
        bool any_required = false;

        buf_puts(b, "\"type\":\"object\",\"properties\":{");
        for (const struct schema_prop *p = props; p && p->name; p++) {
                buf_printf(b, "%s\"%s\":", p == props ? "" : ",", p->name);
                schema_json(b, p->schema);
                any_required |= p->required;
        }
        buf_putc(b, '}');
        if (any_required) {
                bool first = true;

                buf_puts(b, ",\"required\":[");
                for (const struct schema_prop *p = props; p->name; p++)
                        if (p->required) {
                                buf_printf(b, "%s\"%s\"", first ? "" : ",", p->name);
                                first = false;
                        }
                buf_putc(b, ']');
        }
        if (closed)
                buf_puts(b, ",\"additionalProperties\":false");
}

/* cloudboot's const schema as the JSON Schema subset descriptors speak.
 * Typed string checks (valid.h) have no JSON form: the program runs them
 * itself on what it receives (extmod_main). */
static void schema_json(struct buf *b, const struct schema *s)
{
        unsigned types = s ? s->types : T_ANY;
        size_t n = 0;

        buf_putc(b, '{');
        if (s && s->props && !(types & ~(T_MAP | T_NULL))) {
                props_json(b, s->props, s->closed);
                buf_putc(b, '}');
                return;
        }
        if (types != T_ANY) {
                for (size_t i = 0; i < ELEMENTSOF(json_types); i++)
                        n += !!(types & json_types[i].bit);
                buf_puts(b, "\"type\":");
                if (n > 1)
                        buf_putc(b, '[');
                for (size_t i = 0, k = 0; i < ELEMENTSOF(json_types); i++)
                        if (types & json_types[i].bit)
                                buf_printf(b, "%s\"%s\"", k++ ? "," : "", json_types[i].name);
                if (n > 1)
                        buf_putc(b, ']');
        }
        if (s && s->items) {
                buf_printf(b, "%s\"items\":", types != T_ANY ? "," : "");
                schema_json(b, s->items);
        }
        if (s && s->props && (types & T_MAP)) {
                /* a mapping that may also be something else: its keys are
                 * still described, the type list stays as it is */
                buf_puts(b, ",\"properties\":{");
                for (const struct schema_prop *p = s->props; p->name; p++) {
                        buf_printf(b, "%s\"%s\":", p == s->props ? "" : ",", p->name);
                        schema_json(b, p->schema);
                }
                buf_putc(b, '}');
        }
        if (s && s->enums) {
                buf_puts(b, ",\"enum\":[");
                for (const char *const *e = s->enums; *e; e++)
                        buf_printf(b, "%s\"%s\"", e == s->enums ? "" : ",", *e);
                buf_putc(b, ']');
        }
        buf_putc(b, '}');
}

/* The frequency's name (the registry's freq_name() would link every
 * built-in module into this small program). */
static const char *freq_json(enum freq f)
{
        return f == FREQ_ALWAYS ? "always" : f == FREQ_ONCE ? "once" : "once-per-instance";
}

int extmod_describe(const struct extmod *e, struct buf *b)
{
        const struct module *m = e->module;

        buf_printf(b, "{\"api\":1,\"name\":\"%s\",\"stage\":\"%s\",\"frequency\":\"%s\",", m->name,
                   e->stage, freq_json(m->freq));
        buf_printf(b, "\"timeout\":%u,", e->timeout_sec ? e->timeout_sec : 600u);
        if (e->description) {
                struct node *d = node_new_str(e->description);

                buf_puts(b, "\"description\":");
                if (!d)
                        return -ENOMEM;
                json_write(b, d, 0);
                node_free(d);
                buf_putc(b, ',');
        }
        if (m->activate_keys) {
                buf_puts(b, "\"activate_by_schema_keys\":[");
                for (const char *const *k = m->activate_keys; *k; k++)
                        buf_printf(b, "%s\"%s\"", k == m->activate_keys ? "" : ",", *k);
                buf_puts(b, "],");
        }
        buf_puts(b, "\"schema\":{");
        props_json(b, m->keys, false);
        buf_puts(b, "}}\n");
        return buf_error(b);
}

static void emit(void *userdata, enum schema_severity sev, const char *pos, const char *msg)
{
        (void)userdata;
        (void)pos; /* stdin has no useful position: cloudboot reported the file's */
        log_full(sev == SCHEMA_ERROR ? LOG_LVL_WARNING : LOG_LVL_INFO, "%s", msg);
}

static int read_input(struct buf *b)
{
        char chunk[16384];

        for (;;) {
                ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return buf_error(b);
                if (buf_append(b, chunk, (size_t)n) < 0)
                        return buf_error(b);
        }
}

static const char *env_or(const char *name, const char *def)
{
        const char *v = getenv(name);
        return v && *v ? v : def;
}

/* The keys again through the module's own schema: the typed checks that the
 * descriptor's JSON Schema cannot carry. A bad value is reported and left
 * out; the rest runs. */
static void check_keys(const struct module *m, struct node *cfg)
{
        struct schema_report rep = { .emit = emit };

        for (const struct schema_prop *p = m->keys; p && p->name; p++) {
                struct node *v = node_get(cfg, p->name);

                if (v && p->schema && !schema_check(p->schema, v, p->name, &rep))
                        node_del(cfg, p->name);
        }
}

static int run(const struct extmod *e)
{
        const struct module *m = e->module;
        struct buf in = BUF_INIT(EXTMOD_INPUT_MAX);
        _cleanup_(node_freep) struct node *cfg = NULL, *md = NULL;
        struct yaml_error err = { 0 };
        _cleanup_close_ int root_fd = -1;
        const char *root = env_or("CLOUDBOOT_ROOT", "/");
        int r;

        log_set_stage(env_or("CLOUDBOOT_STAGE", "single"));
        log_set_module(m->name);
        root_fd = fs_open_root(root);
        if (root_fd < 0) {
                log_error_errno(root_fd, "Cannot open the target root %s: %m", root);
                return 2;
        }
        (void)log_open_file(root_fd);
        r = read_input(&in);
        if (r < 0) {
                buf_free(&in);
                log_error_errno(r, "Cannot read the module's keys on stdin: %m");
                return 2;
        }
        r = json_load(in.data ? in.data : "{}", in.data ? in.len : 2, "<stdin>", &cfg, &err);
        buf_free(&in);
        if (r < 0 || !cfg || cfg->type != NODE_MAP) {
                log_error("The module's keys on stdin are not a JSON object: %s",
                          r < 0 ? err.msg : "wrong type");
                return 2;
        }
        check_keys(m, cfg);
        md = node_new(NODE_MAP);
        if (!md)
                return 1;

        struct module_ctx ctx = {
                .root_fd = root_fd,
                .root = root,
                .root_is_host = streq(root, "/"),
                .iid = env_or("CLOUDBOOT_INSTANCE_ID", "iid-unknown"),
                .iid_raw = env_or("CLOUDBOOT_INSTANCE_ID", "iid-unknown"),
                .datasource = env_or("CLOUDBOOT_DATASOURCE", "DataSourceNone"),
                .stage = env_or("CLOUDBOOT_STAGE", "single"),
                .cfg = cfg,
                .md = md,
        };
        log_set_instance(ctx.iid);
        r = m->run(&ctx);
        log_close();
        return r < 0 ? 1 : 0;
}

int extmod_main(int argc, char **argv, const struct extmod *e)
{
        if (argc == 2 && streq(argv[1], "--describe")) {
                struct buf b = BUF_INIT(EXTMOD_DESCRIPTOR_MAX);
                int r = extmod_describe(e, &b);

                if (r >= 0 && fwrite(b.data, 1, b.len, stdout) != b.len)
                        r = -EIO;
                buf_free(&b);
                if (r < 0 || fflush(stdout) != 0) {
                        fprintf(stderr, "%s: cannot print the descriptor\n", e->module->name);
                        return 2;
                }
                return 0;
        }
        if (argc != 1 || !streq(env_or("CLOUDBOOT_API", ""), "1")) {
                fprintf(stderr,
                        "%s: an external cloudboot module (api 1): run by cloudboot, or "
                        "with --describe for its descriptor\n",
                        e->module->name);
                return 2;
        }
        return run(e);
}
