/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML dumper (cloud-config.txt): any document that loads is written,
 * and what is written loads back to a tree that is written the same. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "node.h"
#include "yaml.h"
#include "yaml_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        struct buf one = BUF_INIT(1u << 24), two = BUF_INIT(1u << 24);
        struct node *n = NULL, *back = NULL;
        struct yaml_error err;

        fuzz_quiet();
        yaml_budget_reset();
        if (yaml_load((const char *)data, size, "fuzz", &lim, &n, &err) < 0)
                return 0;
        if (yaml_dump(n, &one) == 0) {
                yaml_budget_reset();
                if (yaml_load(one.data, one.len, "dump", &lim, &back, &err) < 0)
                        abort(); /* the dumper wrote what YAML cannot read */
                if (yaml_dump(back, &two) != 0 || two.len != one.len ||
                    memcmp(one.data, two.data, one.len) != 0)
                        abort(); /* read back, it is another tree */
        }
        node_free(back);
        node_free(n);
        buf_free(&one);
        buf_free(&two);
        return 0;
}
