/* SPDX-License-Identifier: Apache-2.0 */
/* OpenNebula's context.sh: the hand-written parser of its shell-assignment
 * subset, then the network-config rendered from the variables over one fake
 * NIC (a temporary root made once, with /sys/class/net/eth0). */
#include <stdlib.h>
#include <unistd.h>

#include "fs.h"
#include "fuzz.h"
#include "node.h"
#include "opennebula.h"

static int root_fd = -1;

/* the root with one NIC, made once (fuzz.h removes it at exit) */
static void make_root(void)
{
        static const char *const dirs[] = { "/sys/class/net/eth0/device", NULL };

        root_fd = fuzz_root(dirs);
        if (fs_write_atomic(root_fd, "/sys/class/net/eth0/address", "02:00:0a:00:00:0f\n", 18, 0644,
                            FS_NO_OWNER, (gid_t)-1) < 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct node *ctx = NULL;
        char *net = NULL;
        size_t len = 0;

        fuzz_quiet();
        if (root_fd < 0)
                make_root();
        if (one_context_parse((const char *)data, size, "context.sh", &ctx) < 0)
                return 0;
        if (one_network_config(root_fd, ctx, "context.sh", &net, &len) >= 0)
                free(net);
        node_free(ctx);
        return 0;
}
