/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML loader and the config model: cloud-config from user-data; and
 * json_reread() of what was loaded is what writing it as JSON and reading
 * that back gives (a stage's copy of instance data stands for the file). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
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
                struct buf b = BUF_INIT(1u << 24);
                struct node *back = NULL, *fast = json_reread(n, node_intern_file("fuzz.json"));
                /* what cloudboot writes as JSON is JSON (json-c's nesting
                 * bound aside), and reads back as json_reread() says */
                if (json_write(&b, n, 0) >= 0 && fast) {
                        if (json_load(b.data, b.len, "fuzz.json", &back, &err) < 0) {
                                if (!strstr(err.msg, "deep") && !strstr(err.msg, "depth"))
                                        abort();
                        } else if (!node_same(fast, back))
                                abort();
                }
                node_free(back);
                node_free(fast);
                buf_free(&b);
                node_free(n);
        }
        return 0;
}
