/* SPDX-License-Identifier: Apache-2.0 */
/* Network configuration: one model for what network-config version 1 and
 * version 2, OpenStack's network_data.json and EC2's meta-data say, and the
 * fallback (DHCP on the first physical NIC). netrender.c writes it for
 * systemd-networkd, NetworkManager or ifupdown (ENI). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "node.h"

#define NC_IFACES_MAX 16
#define NC_ADDRS_MAX 8
#define NC_ROUTES_MAX 8
#define NC_DNS_MAX 4
#define NC_LINKS_MAX 8
#define NC_NAME_LEN 16 /* IFNAMSIZ */
#define NC_TEXT_LEN 64

enum nc_kind { NC_PHYSICAL, NC_BOND, NC_BRIDGE, NC_VLAN };

struct nc_route {
        char to[NC_TEXT_LEN]; /* "0.0.0.0/0", "10.0.0.0/8", "::/0" */
        char via[NC_TEXT_LEN];
        unsigned metric; /* 0: none given */
};

struct nc_iface {
        enum nc_kind kind;
        char name[NC_NAME_LEN]; /* the interface's name (set-name when it renames) */
        char mac[18]; /* match by this MAC (lowercase), "" when none */
        char match_name[NC_NAME_LEN]; /* match by this name or glob, "" when none */
        bool rename; /* mac matched and renamed to name (v2 set-name, v1 physical) */
        unsigned mtu;
        bool dhcp4, dhcp6, accept_ra;
        char addrs[NC_ADDRS_MAX][NC_TEXT_LEN]; /* "192.0.2.10/24" */
        size_t naddrs;
        struct nc_route routes[NC_ROUTES_MAX];
        size_t nroutes;
        char dns[NC_DNS_MAX][NC_TEXT_LEN], search[NC_DNS_MAX][NC_TEXT_LEN];
        size_t ndns, nsearch;
        /* bond and bridge members, vlan's link */
        char links[NC_LINKS_MAX][NC_NAME_LEN];
        size_t nlinks;
        char master[NC_NAME_LEN]; /* the bond or bridge this one is a member of */
        unsigned vlan_id;
        /* bond: mode, miimon, lacp-rate, xmit-hash-policy, primary; bridge: stp,
         * forward-delay, priority: as key=value in cloud-init's v2 names */
        char params[8][2][NC_TEXT_LEN];
        size_t nparams;
};

struct netcfg {
        struct nc_iface ifaces[NC_IFACES_MAX];
        size_t n;
        char dns[NC_DNS_MAX][NC_TEXT_LEN], search[NC_DNS_MAX][NC_TEXT_LEN]; /* global */
        size_t ndns, nsearch;
        char source[320]; /* where it came from, for messages and file headers */
};

/* A network-config document (version 1 or 2, bare or under a "network:" key)
 * into cfg. -EINVAL, reported with the position of what is wrong, for a
 * document that is not one; -ENOENT for `config: disabled`. */
int netcfg_from_node(const struct node *doc, struct netcfg *cfg);
/* OpenStack's network_data.json (links, networks, services); interfaces are
 * matched by MAC. */
int netcfg_from_openstack(const struct node *nd, struct netcfg *cfg);
/* EC2's meta-data network/interfaces/macs tree: DHCP on the primary NIC
 * (device-number 0), IPv6 too when it has ipv6s. */
int netcfg_from_ec2(const struct node *md, struct netcfg *cfg);
/* The fallback: DHCPv4 on the first physical NIC of <root>/sys/class/net by
 * ifindex (not loopback, virtual or wireless), matched by MAC. -ENOENT when
 * there is none. */
int netcfg_fallback(int root_fd, struct netcfg *cfg);

/* Interfaces matched by MAC (and not renamed) take the name the target's
 * /sys/class/net gives that MAC, as cloud-init does; members and VLAN links
 * follow. */
void netcfg_resolve_names(int root_fd, struct netcfg *cfg);

/* Every value of the model checked by its type (src/basic/valid.h); -EINVAL,
 * logged, when one fails. The renderers call it first. */
int netcfg_check(const struct netcfg *cfg);

/* The interface with this name, or NULL. */
struct nc_iface *netcfg_find(struct netcfg *cfg, const char *name);
