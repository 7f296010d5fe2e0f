/* SPDX-License-Identifier: Apache-2.0 */
/* External modules: a program plus a descriptor (NAME.json or NAME.yaml) in
 * /usr/lib/cloudboot/modules (packages) or /etc/cloud/modules.d (the admin's;
 * it wins over a package's module of the same name), both in the target
 * root. The protocol (api 1) is in cloudboot-modules(7) and
 * docs/modules-external.md. Loaded descriptors join the registry: module_find
 * and module_all (module.h) see them, so lists, `schema` and `modules` treat
 * them as built-ins. */
#pragma once

#include <stdbool.h>

#include "module.h"

#define EXTERNAL_API 1
#define EXTERNAL_DIR_PKG "/usr/lib/cloudboot/modules"
#define EXTERNAL_DIR_LOCAL "/etc/cloud/modules.d"
#define EXTERNAL_DESC_MAX (64u * 1024) /* bytes of one descriptor */
#define EXTERNAL_MAX 128u /* descriptors read from each directory */
#define EXTERNAL_SCHEMA_DEPTH 16u
#define EXTERNAL_TIMEOUT_DEFAULT 600u
#define EXTERNAL_TIMEOUT_MAX 86400u
#define EXTERNAL_INPUT_MAX (16u * 1024 * 1024) /* the JSON on the program's stdin */

/* Read the descriptors of both directories of the target (once: later calls
 * return at once until external_unload). A bad descriptor is logged with
 * file:line:col and skipped; so is one that would shadow a built-in without
 * the right to. Returns how many modules were loaded, or < 0 when memory ran
 * out. */
int external_load(int root_fd);
void external_unload(void);
/* The whole registry once external_load() ran (built-ins that no external
 * module replaces, then the external ones), NULL-ended; NULL before. */
const struct module *const *external_registry(void);
/* The descriptor's stage of an external module. */
enum stage_kind external_stage(const struct module *m);
/* The name of the built-in the module replaces, or NULL. */
const char *external_replaces(const struct module *m);
/* Run the module's program (see cloudboot-modules(7)). 0 when it exited 0;
 * -EPROTO (logged, with the exit status) when it failed, -ETIMEDOUT when it
 * ran too long. */
int external_run(const struct module_ctx *ctx, const struct module *m, enum freq freq);

/* The descriptor's "schema" (a JSON Schema subset: type, properties, items,
 * enum, required, additionalProperties; description, title, default,
 * examples and $comment are ignored) as cloudboot's schema. Exposed for the
 * tests. The result points into desc and is freed with external_schema_free. */
struct external_schema;
int external_schema_from(const struct node *desc, const char *file, struct external_schema **ret,
                         const struct schema_prop **ret_props);
struct external_schema *external_schema_free(struct external_schema *s);

/* One descriptor's text (read from dir/file) as a module, not added to the
 * registry: for load and the fuzzer. Problems are logged with file:line:col;
 * -EBADMSG (not YAML/JSON) or -EINVAL (a rule broken). Free with
 * external_module_free(). */
int external_parse(const char *data, size_t len, const char *dir, const char *file, bool local,
                   const struct module **ret);
void external_module_free(const struct module *m);
