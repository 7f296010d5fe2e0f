/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot schema --config-file FILE`: the YAML and every key checked, with
 * FILE:LINE:COL for each problem. Keys of modules cloudboot does not have are
 * named with their module, as notes: the file is still valid cloud-config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "syscfg.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "module.h"
#include "config_schema.h"
#include "schema.h"
#include "state.h"
#include "userdata.h"
#include "yaml.h"

static void emit(void *userdata, enum schema_severity sev, const char *pos, const char *msg)
{
        static const char *const names[] = { "error", "warning", "note" };
        (void)userdata;
        fprintf(stderr, "%s: %s: %s\n", pos, names[sev], msg);
}

/* Validate data, naming it config_file in every message. */
static int check(const char *config_file, const char *data, size_t len)
{
        _cleanup_node_ struct node *cfg = NULL;
        struct schema_report rep = { .emit = emit };
        struct yaml_error err;
        enum ud_type t;
        int r;

        t = userdata_type(data, len);
        if (t == UD_JINJA) {
                /* The template header is line 1, the real type is on line 2. */
                const char *nl = memchr(data, '\n', len);
                if (nl && userdata_type(nl + 1, len - (size_t)(nl + 1 - data)) == UD_CLOUD_CONFIG) {
                        fprintf(stderr,
                                "%s:1:1: note: a jinja template: checked as written, "
                                "variables not rendered\n",
                                config_file);
                        t = UD_CLOUD_CONFIG;
                }
        }
        if (t != UD_CLOUD_CONFIG) {
                fprintf(stderr,
                        "%s:1:1: error: this is user-data of type %s, not cloud-config: "
                        "a cloud-config file begins with \"#cloud-config\"\n",
                        config_file, userdata_type_name(t));
                return 1;
        }
        r = yaml_load(data, len, config_file, NULL, &cfg, &err);
        if (r < 0) {
                fprintf(stderr, "%s:%u:%u: error: %s\n", config_file, err.line, err.col, err.msg);
                return 1;
        }
        schema_validate_config_all(cfg, &rep);
        if (rep.n_errors) {
                fprintf(stderr, "%s: %u error%s\n", config_file, rep.n_errors,
                        rep.n_errors == 1 ? "" : "s");
                return 1;
        }
        printf("Valid schema %s\n", config_file);
        return 0;
}

int cmd_schema(const char *config_file)
{
        _cleanup_close_ int host = fs_open_root("/");
        _cleanup_free_ char *data = NULL, *path = NULL;
        size_t len;
        int r;

        if (host < 0)
                return 1;
        /* The file is the user's, on this machine (never under --root), named
         * as they named it in every message. */
        path = realpath(config_file, NULL);
        r = path ? fs_read_file(host, path, YAML_MAX_BYTES_DEFAULT, &data, &len) : -errno;
        if (r < 0) {
                fprintf(stderr, "%s: error: cannot read: %s\n", config_file,
                        r == -E2BIG ? "larger than 16 MiB" : strerror(-r));
                return 1;
        }
        return check(config_file, data, len);
}

int cmd_schema_system(const char *root)
{
        static const char path[] = CLOUD_DIR "/instance/cloud-config.txt";
        _cleanup_close_ int root_fd = fs_open_root(root);
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        if (root_fd < 0)
                return 1;
        r = fs_read_file(root_fd, path, YAML_MAX_BYTES_DEFAULT, &data, &len);
        if (r == -ENOENT) {
                fprintf(stderr,
                        "%s: error: no cloud-config for this instance (has cloudboot run?)\n",
                        path);
                return 1;
        }
        if (r < 0) {
                fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(-r));
                return 1;
        }
        return check(path, data, len);
}

static void print_types(unsigned types)
{
        static const struct {
                unsigned bit;
                const char *name;
        } names[] = {
                { T_BOOL, "boolean" }, { T_INT, "integer" }, { T_FLOAT, "number" },
                { T_STR, "string" },   { T_SEQ, "list" },    { T_MAP, "mapping" },
                { T_NULL, "null" },
        };
        bool first = true;

        if (types == T_ANY) {
                fputs("any", stdout);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (types & names[i].bit) {
                        printf("%s%s", first ? "" : "|", names[i].name);
                        first = false;
                }
}

/* Every key cloudboot acts on: "KEY TYPES MODULE STAGE FREQUENCY" a line,
 * tab-separated (the man page cloudboot-config(5) is checked against it). */
int cmd_schema_docs(void)
{
        static const char *const stage_names[] = { "init-local", "init", "modules-config",
                                                   "modules-final" };
        for (const struct module *const *m = module_all(); *m; m++) {
                const char *stage = "single";
                for (int s = STAGE_LOCAL; s <= STAGE_FINAL && streq(stage, "single"); s++)
                        for (const char *const *n = module_stage_list((enum stage_kind)s); n && *n;
                             n++)
                                if (streq(*n, (*m)->name)) {
                                        stage = stage_names[s];
                                        break;
                                }
                for (const struct schema_prop *p = (*m)->keys; p && p->name; p++) {
                        printf("%s\t", p->name);
                        print_types(p->schema ? p->schema->types : T_ANY);
                        printf("\tcc_%s\t%s\t%s\n", (*m)->name, stage, freq_name((*m)->freq));
                }
        }
        return 0;
}
