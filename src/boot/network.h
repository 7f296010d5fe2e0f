/* SPDX-License-Identifier: Apache-2.0 */
/* The network configuration step of init-local (cloud-init's
 * apply_network_config): choose the configuration, write it for the target's
 * network stack before the network starts, and only when it changed. */
#pragma once

#include <stdbool.h>

#include "datasource.h"
#include "node.h"

/* cfg: the merged configuration (network: {config: disabled} there turns
 * the step off); syscfg: its network: key, if a v1/v2 document, comes first;
 * res: the datasource found (NULL: none), whose network-config,
 * network_data.json or EC2 meta-data comes next; the fallback (DHCP on the
 * first physical NIC) when fallback is set and nothing else gives one. The
 * files are written when what they would hold differs from what cloudboot
 * last wrote (a new instance counts as a change); on the running system (host)
 * udev then names renamed NICs at once. Problems are logged. */
void network_configure(int root_fd, const struct node *cfg, const struct node *syscfg,
                       const struct ds_result *res, const char *iid, bool fallback, bool host);
