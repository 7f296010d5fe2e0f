/* SPDX-License-Identifier: Apache-2.0 */
/* What OpenStack's config drive and its metadata service share: the same
 * openstack/<version>/ tree of meta_data.json, user_data, vendor_data.json
 * and network_data.json (configdrive.c, openstack.c). */
#pragma once

#include <stddef.h>

#include "node.h"

/* Add cloud-init's names to meta_data.json, md: uuid is the instance-id
 * (required: -ENOENT, with a warning naming name, without it), hostname the
 * local-hostname, public_keys the public-keys, availability_zone. */
int openstack_meta_data(struct node *md, const char *name);

/* vendor_data.json, a string or {"cloud-init": string}: the vendor-data
 * (*ret stays NULL when there is none or it is over max bytes). */
int openstack_vendor_data(const struct node *vd, size_t max, char **ret, size_t *ret_len);
