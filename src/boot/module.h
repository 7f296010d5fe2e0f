/* SPDX-License-Identifier: Apache-2.0 */
/* A cloud-config module: a const descriptor (name, stage, frequency, keys it
 * owns with their schema) and one run function. Modules get everything they
 * need through struct module_ctx and never call each other. */
#pragma once

#include <stdbool.h>

#include "node.h"
#include "schema.h"

/* STAGE_LOCAL: cloudboot's own modules that must run in init-local whatever
 * the dsmode (the machine ID, before dbus and networkd read it). */
enum stage_kind { STAGE_LOCAL, STAGE_INIT, STAGE_CONFIG, STAGE_FINAL };
enum freq { FREQ_INSTANCE, FREQ_ALWAYS, FREQ_ONCE };

struct module_ctx {
        int root_fd;
        const char *root; /* the same root as a path: for chroot and --root */
        bool root_is_host; /* target root is "/": kernel calls are allowed */
        const char *iid; /* instance-id, sanitised for paths */
        const char *iid_raw; /* instance-id as given (INSTANCE_ID for commands) */
        const char *datasource; /* "DataSourceNoCloud [seed=...][dsmode=net]" */
        const char *stage; /* "init-local", "init", "modules-config", ... */
        const struct node *cfg; /* merged, validated cloud-config */
        const struct node *md; /* datasource meta-data (a mapping, maybe empty) */
};

/* The root the shadow tools and other --root aware commands act on: NULL on
 * the host, the target's path otherwise. */
static inline const char *module_chroot(const struct module_ctx *ctx)
{
        return ctx->root_is_host ? NULL : ctx->root;
}

struct module {
        const char *name; /* cloud-init's name without cc_, e.g. "set_hostname" */
        enum freq freq;
        const struct schema_prop *keys; /* keys this module reads, ended by { NULL } */
        /* Run only when one of these keys is set (cloud-init's activate_by_schema_keys). */
        const char *const *activate_keys;
        int (*run)(const struct module_ctx *ctx);
};

/* The registry (src/modules.c). */
const struct module *module_find(const char *name);
/* cloud-init's module lists for each stage, names without cc_, NULL-ended. */
const char *const *module_stage_list(enum stage_kind stage);
/* Every supported module, NULL-ended. */
const struct module *const *module_all(void);
const char *freq_name(enum freq f);
int freq_parse(const char *s, enum freq *ret);
