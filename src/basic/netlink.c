/* SPDX-License-Identifier: Apache-2.0 */
/* rtnetlink requests (see netlink.h). Messages are built in a fixed buffer:
 * each request carries a handful of attributes of known size. */
#include <errno.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "macro.h"
#include "netlink.h"

#define NL_BUF 8192
#define NL_TIMEOUT_S 2

struct nl_msg {
        union {
                struct nlmsghdr h;
                char buf[512];
        };
};

static void nl_attr(struct nl_msg *m, unsigned short type, const void *data, size_t len)
{
        struct rtattr *a = (struct rtattr *)(m->buf + NLMSG_ALIGN(m->h.nlmsg_len));

        /* the callers add a few fixed-size attributes: they always fit */
        a->rta_type = type;
        a->rta_len = (unsigned short)RTA_LENGTH(len);
        memcpy(RTA_DATA(a), data, len);
        m->h.nlmsg_len = (uint32_t)(NLMSG_ALIGN(m->h.nlmsg_len) + RTA_ALIGN(a->rta_len));
}

int nl_open(void)
{
        struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
            bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int r = -errno;
                (void)close(fd);
                return r;
        }
        return fd;
}

static int nl_send(int fd, struct nl_msg *m)
{
        static uint32_t seq;
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

        m->h.nlmsg_seq = ++seq;
        if (sendto(fd, m->buf, m->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
                return -errno;
        return (int)m->h.nlmsg_seq;
}

/* Wait for the acknowledgement of request seq: its error code. */
static int nl_ack(int fd, uint32_t seq)
{
        _cleanup_free_ char *buf = malloc(NL_BUF);

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n = recv(fd, buf, NL_BUF, 0);
                if (n < 0)
                        return errno == EAGAIN ? -ETIMEDOUT : -errno;
                for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
                     h = NLMSG_NEXT(h, n)) {
                        if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
                                continue;
                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                                return -EBADMSG;
                        return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
                }
        }
}

static int nl_request(int fd, struct nl_msg *m)
{
        int seq;

        m->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        seq = nl_send(fd, m);
        return seq < 0 ? seq : nl_ack(fd, (uint32_t)seq);
}

static void parse_link(struct nlmsghdr *h, struct nl_link *l)
{
        struct ifinfomsg *ifi = NLMSG_DATA(h);
        int len = (int)IFLA_PAYLOAD(h);

        *l = (struct nl_link){ .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags,
                               .type = ifi->ifi_type };
        for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                size_t alen = RTA_PAYLOAD(a);
                if (a->rta_type == IFLA_IFNAME && alen > 0) {
                        size_t n = strnlen(RTA_DATA(a), alen);
                        if (n < sizeof(l->name))
                                memcpy(l->name, RTA_DATA(a), n);
                } else if (a->rta_type == IFLA_ADDRESS && alen == sizeof(l->mac)) {
                        memcpy(l->mac, RTA_DATA(a), sizeof(l->mac));
                        l->has_mac = true;
                }
        }
}

int nl_links(int fd, struct nl_link *ret, size_t max, size_t *ret_n)
{
        _cleanup_free_ char *buf = malloc(NL_BUF);
        struct nl_msg m = { 0 };
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        size_t count = 0;
        int seq;

        if (!buf)
                return -ENOMEM;
        m.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifi));
        m.h.nlmsg_type = RTM_GETLINK;
        m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        memcpy(NLMSG_DATA(&m.h), &ifi, sizeof(ifi));
        seq = nl_send(fd, &m);
        if (seq < 0)
                return seq;
        for (;;) {
                ssize_t n = recv(fd, buf, NL_BUF, 0);
                if (n < 0)
                        return errno == EAGAIN ? -ETIMEDOUT : -errno;
                for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
                     h = NLMSG_NEXT(h, n)) {
                        if (h->nlmsg_seq != (uint32_t)seq)
                                continue;
                        if (h->nlmsg_type == NLMSG_DONE) {
                                *ret_n = count;
                                return 0;
                        }
                        if (h->nlmsg_type == NLMSG_ERROR)
                                return h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))
                                               ? ((struct nlmsgerr *)NLMSG_DATA(h))->error
                                               : -EBADMSG;
                        if (h->nlmsg_type != RTM_NEWLINK ||
                            h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)) || count >= max)
                                continue;
                        parse_link(h, &ret[count++]);
                }
        }
}

int nl_link_set_up(int fd, int ifindex, bool up)
{
        struct nl_msg m = { 0 };
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
                                 .ifi_index = ifindex,
                                 .ifi_flags = up ? IFF_UP : 0,
                                 .ifi_change = IFF_UP };

        m.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifi));
        m.h.nlmsg_type = RTM_NEWLINK;
        memcpy(NLMSG_DATA(&m.h), &ifi, sizeof(ifi));
        return nl_request(fd, &m);
}

static bool is_linklocal(struct in_addr a)
{
        return (ntohl(a.s_addr) & 0xffff0000u) == 0xa9fe0000u;
}

int nl_addr(int fd, bool add, int ifindex, struct in_addr addr, unsigned prefixlen)
{
        struct nl_msg m = { 0 };
        struct ifaddrmsg ifa = { .ifa_family = AF_INET,
                                 .ifa_prefixlen = (unsigned char)prefixlen,
                                 .ifa_scope = is_linklocal(addr) ? RT_SCOPE_LINK
                                                                 : RT_SCOPE_UNIVERSE,
                                 .ifa_index = (unsigned)ifindex };
        struct in_addr brd = addr;

        if (prefixlen > 32)
                return -EINVAL;
        if (prefixlen < 31)
                brd.s_addr |= htonl(prefixlen == 0 ? 0xffffffffu : (1u << (32 - prefixlen)) - 1);
        m.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifa));
        m.h.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
        m.h.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
        memcpy(NLMSG_DATA(&m.h), &ifa, sizeof(ifa));
        nl_attr(&m, IFA_LOCAL, &addr, sizeof(addr));
        nl_attr(&m, IFA_ADDRESS, &addr, sizeof(addr));
        if (prefixlen < 31)
                nl_attr(&m, IFA_BROADCAST, &brd, sizeof(brd));
        return nl_request(fd, &m);
}

int nl_route(int fd, bool add, int ifindex, struct in_addr dst, unsigned prefixlen,
             struct in_addr gw)
{
        struct nl_msg m = { 0 };
        struct rtmsg rt = { .rtm_family = AF_INET,
                            .rtm_dst_len = (unsigned char)prefixlen,
                            .rtm_table = RT_TABLE_MAIN,
                            .rtm_protocol = RTPROT_BOOT,
                            .rtm_scope = gw.s_addr ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
                            .rtm_type = RTN_UNICAST };
        uint32_t oif = (uint32_t)ifindex;

        if (prefixlen > 32)
                return -EINVAL;
        m.h.nlmsg_len = NLMSG_LENGTH(sizeof(rt));
        m.h.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
        m.h.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
        memcpy(NLMSG_DATA(&m.h), &rt, sizeof(rt));
        if (prefixlen > 0)
                nl_attr(&m, RTA_DST, &dst, sizeof(dst));
        if (gw.s_addr)
                nl_attr(&m, RTA_GATEWAY, &gw, sizeof(gw));
        nl_attr(&m, RTA_OIF, &oif, sizeof(oif));
        return nl_request(fd, &m);
}
