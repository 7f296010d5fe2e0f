/* SPDX-License-Identifier: Apache-2.0 */
/* The ephemeral network of init-local (see ephemeral.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ephemeral.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "netlink.h"
#include "udev.h"

#define LEASE_MAX 8192
#define LEASE_LINE_MAX 1024
/* Not under /run: the initramfs mounts it noexec, and the client runs our
 * script from here (cloud-init keeps such files in /var/tmp/cloud-init). */
#define EPH_DIR "/var/tmp/cloudboot"
#define EPH_NIC_WAIT_MS 10000
#define EPH_UDEV_WAIT_SEC 60

/* The DHCP client hands the lease to a script in its environment: udhcpc
 * with the event as $1, dhclient and dhcpcd with $reason (dhcpcd's test mode:
 * TEST, with the offer's values; its classless static routes are written
 * "dst/prefix gw ...", as udhcpc's). This one, fixed text and no data in it,
 * prints the few values used, one per line, for eph_lease_parse(); it
 * configures nothing. */
static const char report_script[] =
        "#!/bin/sh\n"
        "case \"$1:$reason\" in\n"
        "bound:*) printf 'ip=%s\\nsubnet=%s\\nrouter=%s\\nstaticroutes=%s\\n' "
        "\"$ip\" \"$subnet\" \"$router\" \"$staticroutes\" ;;\n"
        ":BOUND|:REBOOT) printf 'ip=%s\\nsubnet=%s\\nrouter=%s\\nrfc3442=%s\\n' "
        "\"$new_ip_address\" \"$new_subnet_mask\" \"$new_routers\" "
        "\"$new_rfc3442_classless_static_routes\" ;;\n"
        ":TEST) printf 'ip=%s\\nsubnet=%s\\nrouter=%s\\nstaticroutes=%s\\n' "
        "\"$new_ip_address\" \"$new_subnet_mask\" \"$new_routers\" "
        "\"$new_classless_static_routes\" ;;\n"
        "esac\n"
        "exit 0\n";

/* dhclient's configuration: ask for the classless static routes (option
 * 121, which dhclient does not know by name), and give up after 10 s. */
static const char dhclient_conf[] =
        "option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;\n"
        "request subnet-mask, broadcast-address, routers, rfc3442-classless-static-routes;\n"
        "timeout 10;\n";

/* dhcpcd's configuration: ask for the classless static routes too (subnet
 * mask and routers are always asked for), IPv4 only, no hooks of its own. */
static const char dhcpcd_conf[] =
        "option classless_static_routes\n"
        "ipv4only\n"
        "noipv4ll\n";

/* ---- the lease ---- */

static int parse_ip(const char *s, size_t len, struct in_addr *ret)
{
        char tmp[INET_ADDRSTRLEN];

        if (len == 0 || len >= sizeof(tmp))
                return -EINVAL;
        memcpy(tmp, s, len);
        tmp[len] = 0;
        return inet_pton(AF_INET, tmp, ret) == 1 ? 0 : -EINVAL;
}

static int parse_prefix(const char *s, size_t len, unsigned *ret)
{
        unsigned v = 0;

        if (len == 0 || len > 2)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(s[i] - '0');
        }
        if (v > 32 || (len == 2 && s[0] == '0'))
                return -EINVAL;
        *ret = v;
        return 0;
}

/* A netmask (255.255.255.0) as a prefix length: contiguous ones only. */
static int mask_prefix(struct in_addr m, unsigned *ret)
{
        uint32_t v = ntohl(m.s_addr);
        unsigned n = 0;

        while (n < 32 && (v & (0x80000000u >> n)))
                n++;
        if (n == 0 || (n < 32 && (v << n) != 0))
                return -EINVAL;
        *ret = n;
        return 0;
}

/* An address a host may take: not 0/8, loopback, multicast, reserved or broadcast. */
static bool host_addr_ok(struct in_addr a)
{
        uint32_t v = ntohl(a.s_addr);
        return (v >> 24) != 0 && (v >> 24) != 127 && (v >> 28) < 14;
}

/* The next space-separated word of [*p, end). */
static bool next_word(const char **p, const char *end, const char **ret, size_t *ret_len)
{
        while (*p < end && **p == ' ')
                (*p)++;
        if (*p >= end)
                return false;
        *ret = *p;
        while (*p < end && **p != ' ')
                (*p)++;
        *ret_len = (size_t)(*p - *ret);
        return true;
}

/* "dst/prefix gw dst/prefix gw ..." */
static int parse_routes(const char *v, size_t len, struct eph_lease *l, const char **why)
{
        const char *p = v, *end = v + len, *w, *slash;
        size_t wl;

        while (next_word(&p, end, &w, &wl)) {
                struct eph_route rt = { 0 };
                slash = memchr(w, '/', wl);
                if (!slash || parse_ip(w, (size_t)(slash - w), &rt.dst) < 0 ||
                    parse_prefix(slash + 1, wl - (size_t)(slash + 1 - w), &rt.prefixlen) < 0) {
                        *why = "staticroutes: a destination is not ADDRESS/PREFIX";
                        return -EBADMSG;
                }
                if (!next_word(&p, end, &w, &wl) || parse_ip(w, wl, &rt.gw) < 0) {
                        *why = "staticroutes: a destination has no gateway address";
                        return -EBADMSG;
                }
                if (l->n_routes >= EPH_ROUTES_MAX) {
                        *why = "staticroutes: more than 16 routes";
                        return -EBADMSG;
                }
                l->routes[l->n_routes++] = rt;
        }
        return 0;
}

/* dhclient's option 121 as decimal bytes: "width dst-octets... gw-octets x4" per
 * route (RFC 3442), e.g. "8 10 10 9 0 1 0 10 9 0 1". */
static int parse_rfc3442(const char *v, size_t len, struct eph_lease *l, const char **why)
{
        const char *p = v, *end = v + len, *w;
        uint8_t bytes[512];
        size_t n = 0, wl;

        while (next_word(&p, end, &w, &wl)) {
                unsigned b = 0;
                if (wl > 3 || n >= sizeof(bytes)) {
                        *why = "rfc3442: not a list of at most 512 bytes";
                        return -EBADMSG;
                }
                for (size_t i = 0; i < wl; i++) {
                        if (w[i] < '0' || w[i] > '9') {
                                *why = "rfc3442: not a list of bytes";
                                return -EBADMSG;
                        }
                        b = b * 10 + (unsigned)(w[i] - '0');
                }
                if (b > 255) {
                        *why = "rfc3442: a byte over 255";
                        return -EBADMSG;
                }
                bytes[n++] = (uint8_t)b;
        }
        for (size_t i = 0; i < n;) {
                struct eph_route rt = { .prefixlen = bytes[i] };
                size_t octets = (rt.prefixlen + 7) / 8;
                uint8_t dst[4] = { 0 };

                if (rt.prefixlen > 32 || i + 1 + octets + 4 > n) {
                        *why = "rfc3442: a route is cut short or wider than 32 bits";
                        return -EBADMSG;
                }
                if (l->n_routes >= EPH_ROUTES_MAX) {
                        *why = "rfc3442: more than 16 routes";
                        return -EBADMSG;
                }
                memcpy(dst, bytes + i + 1, octets);
                memcpy(&rt.dst, dst, 4);
                memcpy(&rt.gw, bytes + i + 1 + octets, 4);
                l->routes[l->n_routes++] = rt;
                i += 1 + octets + 4;
        }
        return 0;
}

int eph_lease_parse(const char *text, size_t len, struct eph_lease *ret, const char **ret_why)
{
        struct eph_lease l = { 0 };
        const char *p = text, *end = text + len, *why = NULL;
        bool have_ip = false, have_mask = false, have_router = false, have_routes = false;

        if (len > LEASE_MAX) {
                *ret_why = "longer than 8 KiB";
                return -EBADMSG;
        }
        while (p < end && !why) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *eol = nl ? nl : end, *eq = memchr(p, '=', (size_t)(eol - p));
                size_t klen, vlen;
                const char *v;

                if (eol - p > LEASE_LINE_MAX)
                        why = "a line is longer than 1024 bytes";
                else if (!eq && eol > p)
                        why = "a line is not key=value";
                if (why || !eq) {
                        p = eol + 1;
                        continue;
                }
                klen = (size_t)(eq - p);
                v = eq + 1;
                vlen = (size_t)(eol - v);
                for (size_t i = 0; i < vlen; i++)
                        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
                                why = "a value holds a control character";
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
                if (why)
                        ;
                else if (KEY("ip")) {
                        if (have_ip)
                                why = "ip is given twice";
                        else if (parse_ip(v, vlen, &l.addr) < 0 || !host_addr_ok(l.addr))
                                why = "ip is not a host's IPv4 address";
                        have_ip = true;
                } else if (KEY("subnet")) {
                        struct in_addr m;
                        if (have_mask)
                                why = "subnet is given twice";
                        else if (parse_ip(v, vlen, &m) < 0 || mask_prefix(m, &l.prefixlen) < 0)
                                why = "subnet is not a netmask";
                        have_mask = true;
                } else if (KEY("router")) {
                        const char *q = v, *w;
                        size_t wl;
                        if (have_router)
                                why = "router is given twice";
                        /* the first router serves; a list may follow it */
                        else if (next_word(&q, v + vlen, &w, &wl) &&
                                 (parse_ip(w, wl, &l.router) < 0 || !host_addr_ok(l.router)))
                                why = "router is not an IPv4 address";
                        have_router = true;
                } else if (KEY("staticroutes") || KEY("rfc3442")) {
                        if (have_routes)
                                why = "the static routes are given twice";
                        else if (KEY("staticroutes"))
                                (void)parse_routes(v, vlen, &l, &why);
                        else
                                (void)parse_rfc3442(v, vlen, &l, &why);
                        have_routes = true;
                }
#undef KEY
                p = eol + 1;
        }
        if (!why && !have_ip)
                why = "no ip";
        if (!why && !have_mask)
                why = "no subnet";
        if (why) {
                *ret_why = why;
                return -EBADMSG;
        }
        *ret = l;
        return 0;
}

/* ---- the NIC ---- */

/* cloud-init's find_fallback_nic: a physical interface (one with a device
 * behind it in sysfs), not loopback; the first with a carrier, else the
 * first. Read through the root, so that a test can say what is physical. */
static int primary_nic(int root_fd, int nl_fd, struct nl_link *ret)
{
        _cleanup_free_ struct nl_link *links = calloc(NL_LINKS_MAX, sizeof(*links));
        const struct nl_link *pick = NULL;
        size_t n = 0;
        int r;

        if (!links)
                return -ENOMEM;
        r = nl_links(nl_fd, links, NL_LINKS_MAX, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char path[64 + IF_NAMESIZE];
                const struct nl_link *l = &links[i];

                if ((l->flags & IFF_LOOPBACK) || l->type != ARPHRD_ETHER || !l->name[0])
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/device", l->name);
                if (!fs_exists(root_fd, path)) {
                        log_debug("ephemeral: %s is not a physical interface", l->name);
                        continue;
                }
                if (!pick || (!(pick->flags & IFF_LOWER_UP) && (l->flags & IFF_LOWER_UP)))
                        pick = l;
        }
        if (!pick)
                return -ENODEV;
        *ret = *pick;
        return 0;
}

/* ---- the DHCP client ---- */

enum dhcp_kind { DHCP_DHCPCD, DHCP_DHCLIENT, DHCP_UDHCPC };

struct dhcp_client {
        enum dhcp_kind kind;
        const char *path; /* in the target */
        const char *applet; /* busybox's applet, or NULL */
};

/* cloud-init's order (ALL_DHCP_CLIENTS): dhcpcd, dhclient, udhcpc */
static const struct dhcp_client clients[] = {
        { DHCP_DHCPCD, "/usr/sbin/dhcpcd", NULL },     { DHCP_DHCPCD, "/sbin/dhcpcd", NULL },
        { DHCP_DHCLIENT, "/usr/sbin/dhclient", NULL }, { DHCP_DHCLIENT, "/sbin/dhclient", NULL },
        { DHCP_UDHCPC, "/usr/sbin/udhcpc", NULL },     { DHCP_UDHCPC, "/sbin/udhcpc", NULL },
        { DHCP_UDHCPC, "/usr/bin/busybox", "udhcpc" }, { DHCP_UDHCPC, "/bin/busybox", "udhcpc" },
};

static bool root_is_host(int root_fd)
{
        struct stat a, b;
        return fstat(root_fd, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev &&
               a.st_ino == b.st_ino;
}

/* dhclient -1 puts itself in the background once it has its lease: stop
 * it by the pid file it wrote into our directory (a moment after its parent
 * exits), if that process is still a dhclient. */
static void dhclient_stop(int root_fd, const char *pidfile)
{
        _cleanup_free_ char *line = NULL;
        char *end;
        long pid = 0;

        for (unsigned i = 0; i < 20 && fs_read_line(root_fd, pidfile, &line) < 0; i++)
                (void)usleep(100 * 1000);
        if (line) {
                errno = 0;
                pid = strtol(line, &end, 10);
                if (errno || *end || pid <= 1)
                        pid = 0;
        }
        if (pid > 0) {
                char comm_path[64], comm[32] = "";
                _cleanup_fclose_ FILE *f = NULL;
                (void)snprintf(comm_path, sizeof(comm_path), "/proc/%ld/comm", pid);
                f = fopen(comm_path, "re");
                if (!f || !fgets(comm, sizeof(comm), f) || !startswith(comm, "dhclient"))
                        return;
                (void)kill((pid_t)pid, SIGTERM);
                for (unsigned i = 0; i < 20 && kill((pid_t)pid, 0) == 0; i++)
                        (void)usleep(100 * 1000);
                (void)kill((pid_t)pid, SIGKILL);
        } else
                log_warning("ephemeral: dhclient wrote no pid file; it may still run");
}

#define DHCPCD_TEST_PIDFILE "/var/run/.pid"

/* dhcpcd's privilege-separated helpers (when the target has its user) can
 * outlive a --test run, whose main process (9.4) may even crash once the
 * report is written. This run's are the processes of our session, in
 * another process group than ours (exec_argv gives the client its own),
 * running the very binary we ran: killed. A dhcpcd of the system runs in a
 * session of its own. */
static void dhcpcd_reap(int root_fd, const char *path)
{
        _cleanup_close_ int fd = fs_open_in_root(root_fd, path, O_RDONLY | O_CLOEXEC, 0);
        struct stat bin;
        pid_t sid = getsid(0), pgid = getpgid(0);
        DIR *d;
        struct dirent *de;

        if (fd < 0 || fstat(fd, &bin) < 0 || sid < 0 || !(d = opendir("/proc")))
                return;
        while ((de = readdir(d))) {
                char exe[300];
                struct stat st;
                char *end;
                long pid;

                errno = 0;
                pid = strtol(de->d_name, &end, 10);
                if (errno || *end || pid <= 1 || pid == (long)getpid())
                        continue;
                (void)snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
                if (stat(exe, &st) < 0 || st.st_dev != bin.st_dev || st.st_ino != bin.st_ino ||
                    getsid((pid_t)pid) != sid || getpgid((pid_t)pid) == pgid)
                        continue;
                log_debug("ephemeral: stopping dhcpcd's helper %ld, left by its test run", pid);
                (void)kill((pid_t)pid, SIGKILL);
        }
        (void)closedir(d);
        /* the pid file of test mode (named so by dhcpcd), left by a crash */
        _cleanup_free_ char *line = NULL;
        if (fs_read_line(root_fd, DHCPCD_TEST_PIDFILE, &line) >= 0) {
                long pid;
                char *end;
                errno = 0;
                pid = strtol(line, &end, 10);
                if (!errno && !*end && pid > 1 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
                        (void)fs_unlink(root_fd, DHCPCD_TEST_PIDFILE);
        }
}

/* One run of the DHCP client in the target, in a private directory with
 * its files, removed afterwards. udhcpc: -q quits once it has a lease, -n
 * when it has none after -t tries -T seconds apart. dhclient: -1 tries once,
 * for the configuration's timeout. dhcpcd: --test hands the first offer to
 * the script and exits, configuring nothing and leaving no daemon, or exits
 * non-zero after --timeout. The script only reports. */
int eph_dhcp_lease(int root_fd, const char *ifname, struct eph_lease *ret)
{
        const struct dhcp_client *c = NULL;
        char dir[64], script[96], conf[96], lease[96], pid[96], chroot_dir[64];
        struct buf out = BUF_INIT(LEASE_MAX);
        const char *why = NULL;
        int r, status = 0;

        for (size_t i = 0; i < ELEMENTSOF(clients) && !c; i++)
                if (fs_exists(root_fd, clients[i].path))
                        c = &clients[i];
        if (!c)
                return -ENOENT;
        (void)snprintf(dir, sizeof(dir), EPH_DIR "/ephemeral-dhcp.%ld", (long)getpid());
        (void)snprintf(script, sizeof(script), "%s/report", dir);
        (void)snprintf(conf, sizeof(conf), "%s/dhclient.conf", dir);
        (void)snprintf(lease, sizeof(lease), "%s/lease", dir);
        (void)snprintf(pid, sizeof(pid), "%s/pid", dir);
        (void)fs_rm_rf(root_fd, dir, false);
        r = fs_mkdir_p(root_fd, EPH_DIR, 0700);
        if (r >= 0)
                r = fs_mkdir_p(root_fd, dir, 0700);
        if (r >= 0)
                r = fs_write_atomic(root_fd, script, report_script, strlen(report_script), 0700,
                                    FS_NO_OWNER, (gid_t)-1);
        if (r >= 0 && c->kind == DHCP_DHCLIENT)
                r = fs_write_atomic(root_fd, conf, dhclient_conf, strlen(dhclient_conf), 0600,
                                    FS_NO_OWNER, (gid_t)-1);
        if (r >= 0 && c->kind == DHCP_DHCPCD) {
                (void)snprintf(conf, sizeof(conf), "%s/dhcpcd.conf", dir);
                r = fs_write_atomic(root_fd, conf, dhcpcd_conf, strlen(dhcpcd_conf), 0600,
                                    FS_NO_OWNER, (gid_t)-1);
        }
        if (r >= 0) {
                char *udhcpc[] = { (char *)c->path, (char *)c->applet, "-f", "-q", "-n",
                                   "-i", (char *)ifname, "-t", "3", "-T", "2", "-A", "1",
                                   "-s", script, "-O", "staticroutes", NULL };
                char *dhclient[] = { (char *)c->path, "-1", "-cf", conf, "-lf", lease,
                                     "-pf", pid, "-sf", script, (char *)ifname, NULL };
                char *dhcpcd[] = { (char *)c->path, "--test", "--ipv4only", "--nobackground",
                                   "--noipv4ll", "--timeout", "10", "--config", conf,
                                   "--script", script, (char *)ifname, NULL };
                char **argv = c->kind == DHCP_DHCPCD     ? dhcpcd
                              : c->kind == DHCP_DHCLIENT ? dhclient
                                                         : udhcpc;
                struct exec_opts o = { .timeout_sec = EPH_DHCP_TIMEOUT_S, .capture = &out };
                (void)snprintf(chroot_dir, sizeof(chroot_dir), "/proc/self/fd/%d", root_fd);
                o.chroot_dir = root_is_host(root_fd) ? NULL : chroot_dir;
                log_debug("ephemeral: running %s%s%s on %s", c->path, c->applet ? " " : "",
                          c->applet ? c->applet : "", ifname);
                /* without an applet, its slot is dropped from argv */
                if (c->kind == DHCP_UDHCPC && !c->applet)
                        memmove(udhcpc + 1, udhcpc + 2, sizeof(udhcpc) - 2 * sizeof(*udhcpc));
                r = exec_argv(&o, argv, &status);
                /* dhcpcd may crash after its report (see dhcpcd_reap): the
                 * report, when there is one, is what counts */
                if (r >= 0 && status != 0 && c->kind == DHCP_DHCPCD && out.len > 0)
                        log_debug("ephemeral: dhcpcd exited with status %d after its report",
                                  status);
                else if (r >= 0 && status != 0)
                        r = -ETIMEDOUT; /* no lease */
                if (c->kind == DHCP_DHCPCD)
                        dhcpcd_reap(root_fd, c->path);
                if (c->kind == DHCP_DHCLIENT && r >= 0)
                        dhclient_stop(root_fd, pid);
        }
        (void)fs_rm_rf(root_fd, dir, false);
        if (r >= 0)
                r = buf_error(&out);
        if (r >= 0 && eph_lease_parse(out.data ? out.data : "", out.len, ret, &why) < 0) {
                log_warning("ephemeral: the DHCP lease on %s is not usable: %s", ifname, why);
                r = -EBADMSG;
        }
        buf_free(&out);
        return r;
}

/* ---- up and down ---- */

static bool in_subnet(struct in_addr a, struct in_addr net, unsigned prefixlen)
{
        uint32_t mask = prefixlen == 0 ? 0 : 0xffffffffu << (32 - prefixlen);
        return (ntohl(a.s_addr) & mask) == (ntohl(net.s_addr) & mask);
}

static int add_route(struct ephemeral *e, struct in_addr dst, unsigned prefixlen,
                     struct in_addr gw)
{
        int r = nl_route(e->nl_fd, true, e->ifindex, dst, prefixlen, gw);

        if (r == -EEXIST)
                return 0; /* someone else's: left alone, and not ours to delete */
        if (r < 0)
                return r;
        e->routes[e->n_routes++] = (struct eph_route){ .dst = dst, .gw = gw, .prefixlen = prefixlen };
        char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
        (void)inet_ntop(AF_INET, &dst, d, sizeof(d));
        (void)inet_ntop(AF_INET, &gw, g, sizeof(g));
        log_debug("ephemeral: route %s/%u via %s on %s", d, prefixlen, g, e->ifname);
        return 0;
}

static int apply_lease(struct ephemeral *e, const struct eph_lease *l)
{
        struct in_addr any = { 0 };
        int r = nl_addr(e->nl_fd, true, e->ifindex, l->addr, l->prefixlen);

        if (r < 0)
                return r;
        e->have_addr = true;
        e->addr = l->addr;
        e->prefixlen = l->prefixlen;
        /* RFC 3442: classless static routes, when given, replace the router */
        for (size_t i = 0; i < l->n_routes && r >= 0; i++) {
                if (l->routes[i].gw.s_addr && !in_subnet(l->routes[i].gw, l->addr, l->prefixlen))
                        r = add_route(e, l->routes[i].gw, 32, any);
                if (r >= 0)
                        r = add_route(e, l->routes[i].dst, l->routes[i].prefixlen, l->routes[i].gw);
        }
        if (l->n_routes == 0 && l->router.s_addr) {
                /* a router outside the subnet is reached on the link first */
                if (!in_subnet(l->router, l->addr, l->prefixlen))
                        r = add_route(e, l->router, 32, any);
                if (r >= 0)
                        r = add_route(e, any, 0, l->router);
        }
        return r;
}

/* 169.254.1.0 to 169.254.254.255 (RFC 3927), from the MAC: the same on each boot. */
static struct in_addr linklocal_addr(const struct nl_link *l)
{
        uint32_t h = 2166136261u;

        for (size_t i = 0; i < sizeof(l->mac); i++)
                h = (h ^ (l->has_mac ? l->mac[i] : (uint8_t)(l->ifindex >> i))) * 16777619u;
        return (struct in_addr){ .s_addr = htonl(0xa9fe0000u | ((1 + h % 254) << 8) |
                                                 ((h >> 16) & 0xff)) };
}

struct eph_nic_wait {
        int root_fd, nl_fd;
        struct nl_link *nic;
};

/* The NIC to use, named by udev? (its current name in *nic) */
static bool eph_nic_named(void *data)
{
        struct eph_nic_wait *w = data;

        return primary_nic(w->root_fd, w->nl_fd, w->nic) >= 0 && udev_nic_named(w->root_fd, w->nic->name);
}

int ephemeral_up(int root_fd, enum ds_ephemeral mode, struct ephemeral *ret)
{
        struct ephemeral e = EPHEMERAL_INIT;
        struct eph_lease lease = { 0 };
        struct nl_link nic;
        char shown[INET_ADDRSTRLEN];
        int r;

        e.mode = mode;
        e.nl_fd = nl_open();
        if (e.nl_fd < 0)
                return e.nl_fd;
        r = primary_nic(root_fd, e.nl_fd, &nic);
        /* init-local runs early: the NIC's driver may not have announced it
         * yet (udev loads it). On this machine, wait for one, bounded. */
        for (unsigned i = 0; r == -ENODEV && root_is_host(root_fd) && i < EPH_NIC_WAIT_MS / 100;
             i++) {
                if (i == 0)
                        log_info("ephemeral: no physical NIC yet: waiting up to %u s for one",
                                 EPH_NIC_WAIT_MS / 1000);
                (void)usleep(100 * 1000);
                r = primary_nic(root_fd, e.nl_fd, &nic);
        }
        /* Nor named it: udev names a NIC on its add event, and cannot
         * once the NIC is up, so bringing it up first would leave it with
         * the kernel's name and the configuration that names it unapplied.
         * udev processes NICs early in its coldplug (init-local is ordered
         * after the trigger), so the wait ends as soon as that is done. */
        if (r >= 0 && root_is_host(root_fd) && !udev_nic_named(root_fd, nic.name)) {
                struct eph_nic_wait w = { .root_fd = root_fd, .nl_fd = e.nl_fd, .nic = &nic };
                char why[64];
                (void)snprintf(why, sizeof(why), "ephemeral: waiting for udev to name %s", nic.name);
                (void)udev_settle_until(root_fd, EPH_UDEV_WAIT_SEC, eph_nic_named, &w, why);
                r = primary_nic(root_fd, e.nl_fd, &nic);
        }
        if (r < 0) {
                ephemeral_down(&e);
                return r;
        }
        e.ifindex = nic.ifindex;
        memcpy(e.ifname, nic.name, sizeof(e.ifname));
        if (!(nic.flags & IFF_UP)) {
                r = nl_link_set_up(e.nl_fd, e.ifindex, true);
                e.set_up = r >= 0;
        }
        if (r >= 0 && mode == DS_EPHEMERAL_DHCP)
                r = eph_dhcp_lease(root_fd, e.ifname, &lease);
        else if (r >= 0) {
                lease.addr = linklocal_addr(&nic);
                lease.prefixlen = 16;
        }
        if (r >= 0)
                r = apply_lease(&e, &lease);
        if (r < 0) {
                ephemeral_down(&e);
                return r;
        }
        (void)inet_ntop(AF_INET, &e.addr, shown, sizeof(shown));
        log_info("Ephemeral network on %s: %s/%u (%s), for the metadata service", e.ifname,
                 shown, e.prefixlen, mode == DS_EPHEMERAL_DHCP ? "DHCP" : "link-local");
        *ret = e;
        return 0;
}

void ephemeral_down(struct ephemeral *e)
{
        if (e->nl_fd >= 0) {
                int r;
                while (e->n_routes > 0) {
                        const struct eph_route *rt = &e->routes[--e->n_routes];
                        (void)nl_route(e->nl_fd, false, e->ifindex, rt->dst, rt->prefixlen, rt->gw);
                }
                if (e->have_addr) {
                        r = nl_addr(e->nl_fd, false, e->ifindex, e->addr, e->prefixlen);
                        if (r < 0)
                                log_warning_errno(r, "ephemeral: cannot remove the address from %s: %m",
                                                  e->ifname);
                }
                if (e->set_up)
                        (void)nl_link_set_up(e->nl_fd, e->ifindex, false);
                if (e->have_addr || e->set_up)
                        log_debug("ephemeral: %s taken down", e->ifname);
                (void)close(e->nl_fd);
        }
        *e = (struct ephemeral)EPHEMERAL_INIT;
}
