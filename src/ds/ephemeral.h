/* SPDX-License-Identifier: Apache-2.0 */
/* The network of init-local (cloud-init's EphemeralDHCPv4 and
 * EphemeralIPv4Network): the primary NIC brought up for as long as a
 * metadata service is read, with an address from a one-shot run of the
 * target's DHCP client or an IPv4 link-local one, then everything it added
 * taken away again: address, routes, the link state, the client's files. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "datasource.h"

#define EPH_ROUTES_MAX 16
/* the DHCP client's whole run, its retries included */
#define EPH_DHCP_TIMEOUT_S 15

struct eph_route {
        struct in_addr dst, gw; /* gw 0.0.0.0: on the link */
        unsigned prefixlen;
};

/* What a DHCP server gave, as far as the ephemeral network uses it. */
struct eph_lease {
        struct in_addr addr;
        unsigned prefixlen;
        struct in_addr router; /* 0.0.0.0: none */
        struct eph_route routes[EPH_ROUTES_MAX]; /* classless static routes (option 121) */
        size_t n_routes;
};

struct ephemeral {
        enum ds_ephemeral mode;
        int nl_fd;
        int ifindex;
        char ifname[IF_NAMESIZE];
        bool set_up; /* the link was down: it goes down again */
        bool have_addr;
        struct in_addr addr;
        unsigned prefixlen;
        struct eph_route routes[2 * EPH_ROUTES_MAX + 2]; /* the ones added, to delete */
        size_t n_routes;
};

#define EPHEMERAL_INIT { .mode = DS_EPHEMERAL_NONE, .nl_fd = -1 }

/* Bring the primary NIC of this machine up in mode (DHCP: the DHCP client
 * found in the target at root_fd). -ENODEV: no NIC; -ENOENT: no DHCP client;
 * -ETIMEDOUT: no lease. On failure nothing is left behind. Logs what it did. */
int ephemeral_up(int root_fd, enum ds_ephemeral mode, struct ephemeral *ret);
/* Undo all that ephemeral_up did; e may be EPHEMERAL_INIT. */
void ephemeral_down(struct ephemeral *e);

/* One run of the target's DHCP client (the first of dhcpcd, dhclient,
 * busybox udhcpc that root_fd has; run chrooted unless root_fd is /) on
 * ifname, its lease in *ret; nothing configured. -ENOENT: no DHCP client;
 * -ETIMEDOUT: no lease; -EBADMSG: a lease that is not usable (logged). */
int eph_dhcp_lease(int root_fd, const char *ifname, struct eph_lease *ret);

/* The DHCP client's report (lines "key=value": ip, subnet, router,
 * staticroutes, as busybox udhcpc names them; len bounded by the caller) as a
 * lease. -EBADMSG, with *ret_why set, when it is not a usable lease. */
int eph_lease_parse(const char *text, size_t len, struct eph_lease *ret, const char **ret_why);
