/* SPDX-License-Identifier: Apache-2.0 */
/* A few rtnetlink requests over a NETLINK_ROUTE socket: list the links, set a
 * link up or down, add or delete an IPv4 address or route. Enough for the
 * ephemeral network of init-local (ds/ephemeral.h); every request waits for
 * the kernel's acknowledgement, bounded by a receive timeout. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_LINKS_MAX 64
/* the carrier flag; linux/if.h has it, but clashes with net/if.h */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

struct nl_link {
        int ifindex;
        char name[IF_NAMESIZE];
        unsigned flags; /* IFF_UP, IFF_LOOPBACK, IFF_LOWER_UP... */
        unsigned short type; /* ARPHRD_ETHER... */
        uint8_t mac[6];
        bool has_mac;
};

/* A NETLINK_ROUTE socket (close-on-exec, with a receive timeout). */
int nl_open(void);
/* The links, at most max of them, in the kernel's order (by ifindex). */
int nl_links(int fd, struct nl_link *ret, size_t max, size_t *ret_n);
int nl_link_set_up(int fd, int ifindex, bool up);
/* add or delete addr/prefixlen on ifindex (scope link for 169.254.0.0/16). */
int nl_addr(int fd, bool add, int ifindex, struct in_addr addr, unsigned prefixlen);
/* add or delete dst/prefixlen via gw (gw 0: on the link) on ifindex. */
int nl_route(int fd, bool add, int ifindex, struct in_addr dst, unsigned prefixlen,
             struct in_addr gw);
