/* SPDX-License-Identifier: Apache-2.0 */
/* Azure's XML (expat into a bounded tree): ovf-env.xml from the
 * provisioning ISO, as the Azure datasource reads it, with the configuration
 * it turns into, and the same bytes as a wireserver goal state. */
#include "azure_ovf.h"
#include "azure_wireserver.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct azure_ovf o;
        struct azure_goal_state gs;
        char why[256];

        fuzz_quiet();
        if (azure_ovf_parse((const char *)data, size, 1u << 20, &o, why, sizeof(why)) == 0) {
                char *cfg = NULL;
                size_t len = 0;
                if (azure_ovf_config(&o, &cfg, &len) == 0)
                        free(cfg);
                azure_ovf_done(&o);
        }
        if (azure_goal_state_parse((const char *)data, size, &gs, why, sizeof(why)) == 0) {
                struct buf b = BUF_INIT(1u << 16);
                (void)azure_health_report(&gs, "NotReady", "ProvisioningFailed", why, &b);
                buf_free(&b);
        }
        return 0;
}
