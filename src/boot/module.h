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
        const char *datasource; /* "DataSourceNoCloud [seed=...]" */
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

struct external;

struct module {
        const char *name; /* cloud-init's name without cc_, e.g. "set_hostname" */
        enum freq freq;
        const struct schema_prop *keys; /* keys this module reads, ended by { NULL } */
        /* Run only when one of these keys is set (cloud-init's activate_by_schema_keys). */
        const char *const *activate_keys;
        int (*run)(const struct module_ctx *ctx);
        /* Optional: begin, in a stage before the run (init-local, for a
         * module of the init stage), work that is slow and whose inputs are
         * already known, for the run to take up at the module's turn (ssh:
         * its host keys). It changes nothing in the target that the run
         * would not, and the run works the same when nothing was begun. */
        int (*prepare)(const struct module_ctx *ctx);
        /* Set only for external modules (external.c; run is NULL for them):
         * the descriptor's path in the target, and what external.c keeps. */
        const char *source;
        const struct external *ext;
};

/* The registry (src/modules.c). */
const struct module *module_find(const char *name);
/* cloud-init's module lists for each stage, names without cc_, NULL-ended. */
const char *const *module_stage_list(enum stage_kind stage);
/* Every supported module, NULL-ended. */
const struct module *const *module_all(void);
const char *freq_name(enum freq f);
/* cloud-init's frequency names: once-per-instance, per-instance, instance;
 * always, per-always; once, per-once. */
int freq_parse(const char *s, enum freq *ret);

/* The built-in modules and lists alone, whatever external modules are loaded. */
const struct module *const *module_builtins(void);
const struct module *module_builtin_find(const char *name);
/* The stage whose default list names the module: its place when a list
 * names it nowhere else (external modules: the descriptor's stage). */
enum stage_kind module_default_stage(const struct module *m);
const char *stage_kind_name(enum stage_kind k);
/* The config key of a stage's module list: "cloud_init_modules", ...; NULL
 * for STAGE_LOCAL (cloudboot's own, compiled in). */
const char *stage_list_key(enum stage_kind k);
/* Is name one of cloud-init's modules (without cc_), built in here or not? */
bool module_is_cloud_init_name(const char *name);
/* Is name a cloud-init module, not built in here, that cloud-init runs (and
 * marks as run) even when none of its keys is set? */
bool module_runs_without_keys(const char *name);
/* A module name as lists and descriptors may give it: [a-z0-9_], 1 to 64
 * characters, starting with a letter. */
bool module_name_valid(const char *name);
