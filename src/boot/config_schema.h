/* SPDX-License-Identifier: Apache-2.0 */
/* The merged cloud-config checked against the module registry, and the fate of
 * every top-level key: applied by a module or the pipeline, or named in one log
 * line with the module cloud-init would run and why it is not applied here. */
#pragma once

#include <stdbool.h>

#include "module.h"
#include "node.h"
#include "schema.h"

/* Validate a whole cloud-config mapping against the schemas of the modules
 * that own its keys. Invalid values are removed from cfg. Keys that are not
 * applied are not reported here: the stage that would run them does it
 * (schema_report_stage). */
void schema_validate_config(struct node *cfg, struct schema_report *rep);
/* The same, and each key that is not applied reported too: unknown keys as
 * errors (cloud-init's schema refuses them), keys of modules cloudboot lacks
 * as warnings, keys cloud-init too would skip here as notes. For `schema`. */
void schema_validate_config_all(struct node *cfg, struct schema_report *rep);

enum key_fate {
        KEY_APPLIED, /* a module of cloudboot reads it, or the pipeline does */
        KEY_NOT_IMPLEMENTED, /* its cloud-init module would run, cloudboot has none */
        KEY_BASE_IGNORED, /* cloud-init's own setting cloudboot does not honour */
        KEY_UNKNOWN, /* no cloud-init module reads it */
        KEY_NOT_LISTED, /* its module is in none of this boot's module lists */
        KEY_NOT_FOR_DISTRO, /* its module's metadata excludes this distro */
        KEY_NO_EFFECT, /* cloud-init accepts it and does nothing with it either */
};

struct key_verdict {
        enum key_fate fate;
        const char *module; /* cloud-init's module without cc_, NULL for base/unknown */
        const char *distros; /* the module's distros when KEY_NOT_FOR_DISTRO */
        enum stage_kind stage; /* the stage that reports it */
};

/* What becomes of top-level key in cfg (whose system_info.distro and module
 * lists count). */
void schema_key_verdict(const struct node *cfg, const char *key, struct key_verdict *ret);
/* cloud-init's distros for module when they exclude cfg's distro
 * (system_info.distro, default debian) and unverified_modules does not name
 * it: the module does not run (cloud-init's "not verified on distro");
 * NULL when it may run. */
const char *schema_module_not_for_distro(const struct node *cfg, const char *module);
/* Does unverified_modules make module run where its distros exclude cfg's? */
bool schema_module_unverified(const struct node *cfg, const char *module);
/* cfg's system_info.distro, "debian" when it has none. */
const char *schema_distro(const struct node *cfg);
/* Log each top-level key of cfg that this stage must report (see
 * schema_key_verdict): warnings for what is not implemented or unknown, info
 * lines for what cloud-init too would skip. Keys from system configuration
 * (/etc/cloud) are cloudboot's own input and not reported. */
void schema_report_stage(const struct node *cfg, enum stage_kind stage);

/* Name of the cloud-init module that owns key ("cc_timezone"), "base" for
 * the configuration's own keys, or NULL. */
const char *schema_key_owner(const char *key);
/* The same module's bare name ("timezone"), without formatting one. */
const char *schema_key_module(const char *key);
/* Self-check of the tables: sorted, and no key both in a module descriptor and
 * in the table of keys cloudboot does not implement. Returns 0, or -EINVAL with
 * the offending key in *ret_key. */
int schema_tables_check(const char **ret_key);
