/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML loader and the config model: cloud-config from user-data. */
#include "fuzz.h"
#include "node.h"
#include "config_schema.h"
#include "schema.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct node *n = NULL;
        struct yaml_error err;
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;

        fuzz_quiet();
        if (yaml_load((const char *)data, size, "fuzz", &lim, &n, &err) == 0) {
                struct schema_report rep = { 0 };
                schema_validate_config(n, &rep);
                node_free(n);
        }
        return 0;
}
