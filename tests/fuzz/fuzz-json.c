/* SPDX-License-Identifier: Apache-2.0 */
/* JSON from metadata services and config drives (json-c into nodes). */
#include <stdlib.h>

#include "fuzz.h"
#include "json.h"
#include "node.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct node *n = NULL;
        struct yaml_error err;

        fuzz_quiet();
        if (json_load((const char *)data, size, "fuzz.json", &n, &err) == 0) {
                struct buf b = BUF_INIT(1u << 24);
                /* what is written reads back as json_reread() says (the
                 * writer's escapes, eight bytes at a time, among them) */
                if (json_write(&b, n, 2) == 0) {
                        struct node *back = NULL,
                                    *want = json_reread(n, node_intern_file("fuzz.json"));
                        if (json_load(b.data, b.len, "fuzz.json", &back, &err) != 0 || !want ||
                            !node_same(back, want))
                                abort();
                        node_free(back);
                        node_free(want);
                }
                buf_free(&b);
                node_free(n);
        }
        return 0;
}
