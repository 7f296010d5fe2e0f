/* SPDX-License-Identifier: Apache-2.0 */
/* network-config v1/v2 (and network_data.json read as YAML) into the model,
 * then rendered for networkd, NetworkManager and ENI. */
#include "fuzz.h"
#include "netcfg.h"
#include "netrender.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct netcfg nc;
        static struct net_file files[NET_FILES_MAX];
        struct node *doc = NULL;
        struct yaml_error err;

        fuzz_quiet();
        if (yaml_load((const char *)data, size, "fuzz", NULL, &doc, &err) < 0)
                return 0;
        for (int form = 0; form < 3; form++) {
                int r;
                memset(&nc, 0, sizeof(nc));
                r = form == 0   ? netcfg_from_node(doc, &nc)
                    : form == 1 ? netcfg_from_openstack(doc, &nc)
                                : netcfg_from_ec2(doc, &nc);
                if (r < 0)
                        continue;
                for (enum net_renderer rend = NET_RENDER_NETWORKD; rend <= NET_RENDER_ENI; rend++) {
                        size_t n = 0;
                        if (net_render(rend, &nc, files, &n) == 0)
                                net_files_done(files, n);
                }
        }
        node_free(doc);
        return 0;
}
