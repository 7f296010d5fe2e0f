/* SPDX-License-Identifier: Apache-2.0 */
/* JSON from metadata services and config drives (json-c into nodes). */
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
                (void)json_write(&b, n, 2);
                buf_free(&b);
                node_free(n);
        }
        return 0;
}
