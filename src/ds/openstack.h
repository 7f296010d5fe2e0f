/* SPDX-License-Identifier: Apache-2.0 */
/* What OpenStack's config drive and its metadata service share: the same
 * openstack/<version>/ tree of meta_data.json, user_data, vendor_data.json
 * and network_data.json (configdrive.c, openstack.c). */
#pragma once

#include <stddef.h>

#include "node.h"

/* Add cloud-init's names to meta_data.json, md: uuid is the instance-id
 * (required: -ENOENT, with a warning naming name, without it), hostname the
 * local-hostname, public_keys the public-keys, availability_zone. random_seed
 * is decoded from base64 (seed_random appends it to the entropy pool, as
 * cloud-init's); one that does not decode is dropped with a warning. */
int openstack_meta_data(struct node *md, const char *name);

/* vendor_data.json, a string or {"cloud-init": string}: the vendor-data
 * (*ret stays NULL when there is none or it is over max bytes). */
int openstack_vendor_data(const struct node *vd, size_t max, char **ret, size_t *ret_len);

/* vendor_data.json's and vendor_data2.json's vendor-data (either may be
 * NULL) as one: the one there is, or both as a multipart/mixed document,
 * vendor_data first, so that vendor_data2's cloud-config merges over it as
 * cloud-init merges vendordata2 over vendordata. At most max bytes. */
int openstack_vendor_join(char *vd1, size_t len1, char *vd2, size_t len2, size_t max, char **ret,
                          size_t *ret_len);
