/* SPDX-License-Identifier: Apache-2.0 */
/* External module descriptors (NAME.json / NAME.yaml, api 1): parsed and their
 * JSON schema translated, then used to validate a small config. */
#include "external.h"
#include "fuzz.h"
#include "node.h"
#include "schema.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const struct module *m = NULL;
        struct node *cfg = NULL;
        struct yaml_error err;
        static const char cfg_text[] = "{fuzz: {a: [1, x, {b: null}], c: true}, other: 1.5}";

        fuzz_quiet();
        if (size > EXTERNAL_DESC_MAX)
                return 0;
        if (external_parse((const char *)data, size, EXTERNAL_DIR_LOCAL, "fuzz.yaml", true, &m) < 0)
                return 0;
        if (yaml_load(cfg_text, sizeof(cfg_text) - 1, "cfg", NULL, &cfg, &err) == 0) {
                struct schema_report rep = { 0 };
                for (const struct schema_prop *p = m->keys; p && p->name; p++) {
                        struct node *v = node_get(cfg, p->name);
                        if (v && p->schema)
                                (void)schema_check(p->schema, v, p->name, &rep);
                }
                node_free(cfg);
        }
        external_module_free(m);
        return 0;
}
