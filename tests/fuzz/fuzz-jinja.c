/* SPDX-License-Identifier: Apache-2.0 */
/* The jinja subset of user-data templates. */
#include "fuzz.h"
#include "jinja.h"
#include "node.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct node *vars;
        struct yaml_error err;
        char *out = NULL;
        size_t len = 0;

        fuzz_quiet();
        if (!vars) {
                const char *v = "{v1: {instance_id: i-1, region: null, n: 3, l: [a, b]}, ds: "
                                "{meta_data: {local-hostname: h, flag: true}}}";
                (void)yaml_load(v, strlen(v), "vars", NULL, &vars, &err);
        }
        if (jinja_render((const char *)data, size, vars, "fuzz", 1u << 20, &out, &len, &err) == 0)
                free(out);
        return 0;
}
