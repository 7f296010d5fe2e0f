/* SPDX-License-Identifier: Apache-2.0 */
/* Writing a struct netcfg for the network stack the target runs:
 * systemd-networkd (.link, .netdev, .network in /etc/systemd/network),
 * NetworkManager keyfiles, or ifupdown (ENI, /etc/network/interfaces.d). */
#pragma once

#include "buf.h"
#include "netcfg.h"
#include "node.h"

enum net_renderer { NET_RENDER_NONE, NET_RENDER_NETWORKD, NET_RENDER_NM, NET_RENDER_ENI };

/* system_info.network.renderers (cloud-init's names: networkd,
 * network-manager, eni) if set, else what the target runs: an enabled
 * systemd-networkd or NetworkManager, else ifupdown, else networkd when
 * installed. */
enum net_renderer net_renderer_pick(int root_fd, const struct node *syscfg);
const char *net_renderer_name(enum net_renderer r);

/* The files of cfg for renderer r: paths (absolute in the target), NUL
 * separated, in *ret_paths, their contents in the same order, each ended by a
 * NUL, in *ret_files. */
struct net_file {
        char path[256];
        struct buf data;
        unsigned mode;
};
#define NET_FILES_MAX (3 * NC_IFACES_MAX + 2)
int net_render(enum net_renderer r, const struct netcfg *cfg, struct net_file *files,
               size_t *ret_n);
void net_files_done(struct net_file *files, size_t n);
/* Remove files an earlier rendering by cloudboot left, for any renderer. */
void net_remove_rendered(int root_fd);
