/* SPDX-License-Identifier: Apache-2.0 */
/* The network configurations the metadata clouds describe (DigitalOcean,
 * Hetzner, Oracle, Vultr, Scaleway, UpCloud, AliYun): a document, as YAML,
 * through each cloud's converter, then what it gave through the network-config
 * reader and the three renderers, as a boot would. NICs are looked up in the
 * host's /sys/class/net (read only). */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "mdsvc.h"
#include "netcfg.h"
#include "netrender.h"

static void render(const struct ds_result *res)
{
        static struct netcfg nc;
        static struct net_file files[NET_FILES_MAX];
        struct node *doc = NULL;
        struct yaml_error err;

        if (!res->netcfg || yaml_load(res->netcfg, res->netcfg_len, "fuzz", NULL, &doc, &err) < 0)
                return;
        memset(&nc, 0, sizeof(nc));
        if (netcfg_from_node(doc, &nc) == 0)
                for (enum net_renderer rend = NET_RENDER_NETWORKD; rend <= NET_RENDER_ENI; rend++) {
                        size_t n = 0;
                        if (net_render(rend, &nc, files, &n) == 0)
                                net_files_done(files, n);
                }
        node_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static int root_fd = -1;
        struct node *doc = NULL;
        struct yaml_error err;

        fuzz_quiet();
        if (root_fd < 0)
                root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (yaml_load((const char *)data, size, "fuzz", NULL, &doc, &err) < 0)
                return 0;
        struct ds_ctx ctx = { .root_fd = root_fd, .user_data_max = 1u << 20 };
        for (int cloud = 0; cloud < 8; cloud++) {
                struct ds_result res = { 0 };
                switch (cloud) {
                case 0: (void)digitalocean_netcfg(&ctx, doc, &res); break;
                case 1: (void)hetzner_netcfg(&ctx, doc, &res); break;
                case 2: (void)oracle_netcfg(&ctx, doc, true, true, &res); break;
                case 3: (void)oracle_netcfg(&ctx, doc, false, true, &res); break;
                case 4: (void)vultr_netcfg(&ctx, doc, &res); break;
                case 5: (void)scaleway_netcfg(&ctx, doc, &res); break;
                case 6: (void)upcloud_netcfg(&ctx, doc, &res); break;
                default: (void)aliyun_netcfg(&ctx, doc, &res); break;
                }
                render(&res);
                ds_result_done(&res);
        }
        node_free(doc);
        return 0;
}
