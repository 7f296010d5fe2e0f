/* SPDX-License-Identifier: Apache-2.0 */
/* User-data of every format: gzip, MIME multipart, archives, jinja, merging
 * (includes are not fetched: there is no network in a fuzzer). */
#include "fuzz.h"
#include "node.h"
#include "userdata.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct node *vars;
        struct userdata u = { 0 };
        struct yaml_error err;

        fuzz_quiet();
        if (!vars) {
                const char *v = "{v1: {instance_id: i-1, local_hostname: h}, ds: {meta_data: {}}}";
                (void)yaml_load(v, strlen(v), "vars", NULL, &vars, &err);
        }
        struct ud_env env = { .root_fd = -1,
                              .iid = "i-1",
                              .name = "fuzz",
                              .vars = vars,
                              .max = 1u << 20,
                              .fetch = false,
                              .report = true };
        if (userdata_process((const char *)data, size, &env, &u) == 0)
                userdata_done(&u);
        return 0;
}
