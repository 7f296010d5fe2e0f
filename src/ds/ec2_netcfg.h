/* SPDX-License-Identifier: Apache-2.0 */
/* EC2's meta-data network/interfaces/macs/<mac>/ as network config version 2,
 * as cloud-init's convert_ec2_metadata_network_config renders it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "node.h"

#define EC2_NICS_MAX 16

/* The document (JSON, which is YAML) for the meta-data md: NICs ordered by
 * network-card, device-number, then MAC; the first is the primary. Each
 * gets DHCPv4 (DHCPv6 too when it has ipv6s), matched by MAC; with more than
 * one NIC each gets dhcp4-overrides route-metric 100 * (its place + 1); the
 * secondary addresses (local-ipv4s and ipv6s after the first) are static
 * with the prefix of subnet-ipv4/ipv6-cidr-block (24 and 128 without it).
 * full false (apply_full_imds_network_config: false): only the primary, with
 * DHCP. Every MAC, address and prefix is checked (valid.h); a NIC with a bad
 * MAC, or an address that is no address, is left out with a warning.
 * -ENOENT: no NIC in the meta-data. */
int ec2_network_config(const struct node *md, bool full, char **ret, size_t *ret_len);
