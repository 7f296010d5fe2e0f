/* SPDX-License-Identifier: Apache-2.0 */
/* OpenNebula's context disk, as cloud-init's DataSourceOpenNebula reads it:
 * context.sh on a filesystem labelled CONTEXT (or CDROM), or in the seed
 * directory /var/lib/cloud/seed/opennebula. Its variables are the meta-data;
 * SSH_KEY or SSH_PUBLIC_KEY the keys; SET_HOSTNAME, HOSTNAME, PUBLIC_IP,
 * IP_PUBLIC or ETH0_IP the local-hostname; USER_DATA or USERDATA the
 * user-data (base64 when USERDATA_ENCODING or USER_DATA_ENCODING says so);
 * DSMODE the dsmode; the ETHx_* variables the network-config.
 *
 * context.sh as data (see opennebula.h). A small cursor over the text keeps
 * line and column for messages; a value is built in a bounded buffer. What
 * the shell would expand ($, `) or treat as an operator is refused, not
 * guessed at: the line is reported and skipped. Values are never logged:
 * they hold keys and passwords. */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blockdev.h"
#include "buf.h"
#include "codec.h"
#include "clouds.h"
#include "datasource.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "macro.h"
#include "opennebula.h"
#include "valid.h"

struct cur {
        const char *p, *end;
        unsigned line, col;
        const char *name;
};

static int peek(const struct cur *c)
{
        return c->p < c->end ? (unsigned char)*c->p : -1;
}

static void step(struct cur *c)
{
        if (c->p >= c->end)
                return;
        if (*c->p == '\n') {
                c->line++;
                c->col = 1;
        } else
                c->col++;
        c->p++;
}

static void skip_blanks(struct cur *c)
{
        while (peek(c) == ' ' || peek(c) == '\t')
                step(c);
}

static void skip_line(struct cur *c)
{
        while (peek(c) >= 0 && peek(c) != '\n')
                step(c);
        step(c);
}

static bool is_name_start(int ch)
{
        return ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool is_name_char(int ch)
{
        return is_name_start(ch) || (ch >= '0' && ch <= '9');
}

/* Characters that end a plain word or make the shell do something. */
static bool is_special(int ch)
{
        return ch == '$' || ch == '`' || ch == '(' || ch == ')' || ch == '<' || ch == '>' ||
               ch == '|' || ch == '&' || ch == '{' || ch == '}' || ch == '*' || ch == '?' ||
               ch == '[' || ch == '~';
}

/* One value, up to the blank, newline, ';' or end that closes it. NULL: fine;
 * else why the line is not an assignment of ours. */
static const char *read_value(struct cur *c, struct buf *v, int *err)
{
        for (;;) {
                int ch = peek(c);
                if (ch < 0 || ch == ' ' || ch == '\t' || ch == '\n' || ch == ';')
                        return NULL;
                if (ch == 0)
                        return "a NUL byte";
                if (ch == '\'') {
                        step(c);
                        while (peek(c) >= 0 && peek(c) != '\'') {
                                if (peek(c) == 0)
                                        return "a NUL byte";
                                if ((*err = buf_putc(v, *c->p)) < 0)
                                        return "a value too long";
                                step(c);
                        }
                        if (peek(c) < 0)
                                return "an unterminated single quote";
                        step(c);
                } else if (ch == '"') {
                        step(c);
                        while (peek(c) >= 0 && peek(c) != '"') {
                                int d = peek(c);
                                if (d == 0)
                                        return "a NUL byte";
                                if (d == '$' || d == '`')
                                        return "an expansion ($ or `), which is not evaluated";
                                if (d == '\\' && c->p + 1 < c->end && strchr("$`\"\\\n", c->p[1])) {
                                        step(c);
                                        d = peek(c);
                                        step(c);
                                        if (d == '\n') /* a line continuation */
                                                continue;
                                } else
                                        step(c);
                                if ((*err = buf_putc(v, (char)d)) < 0)
                                        return "a value too long";
                        }
                        if (peek(c) < 0)
                                return "an unterminated double quote";
                        step(c);
                } else if (ch == '\\') {
                        step(c);
                        int d = peek(c);
                        if (d < 0)
                                return "a backslash at the end";
                        step(c);
                        if (d == '\n')
                                continue;
                        if (d == 0)
                                return "a NUL byte";
                        if ((*err = buf_putc(v, (char)d)) < 0)
                                return "a value too long";
                } else if (is_special(ch)) {
                        return ch == '$' || ch == '`'
                                       ? "an expansion ($ or `), which is not evaluated"
                                       : "a shell operator or pattern";
                } else {
                        if ((*err = buf_putc(v, (char)ch)) < 0)
                                return "a value too long";
                        step(c);
                }
        }
}

/* After a value: blanks, then a comment, ';' or the end of the line. */
static const char *read_end(struct cur *c)
{
        skip_blanks(c);
        if (peek(c) == ';') {
                /* "A=1; B=2": the next statement starts here */
                step(c);
                skip_blanks(c);
                if (is_name_start(peek(c)))
                        return NULL;
        }
        if (peek(c) == '#')
                skip_line(c);
        else if (peek(c) == '\n')
                step(c);
        else if (peek(c) >= 0)
                return "more than one assignment or a command after the value";
        return NULL;
}

int one_context_parse(const char *data, size_t len, const char *name, struct node **ret)
{
        _cleanup_node_ struct node *map = NULL;
        struct cur c = { .p = data, .end = data + len, .line = 1, .col = 1, .name = name };
        size_t nvars = 0;

        if (len > ONE_CONTEXT_MAX)
                return -E2BIG;
        map = node_new(NODE_MAP);
        if (!map)
                return -ENOMEM;
        while (peek(&c) >= 0) {
                char var[ONE_NAME_MAX + 1];
                unsigned line, col;
                size_t n = 0;
                const char *why = NULL;
                bool assign = false;
                int err = 0;

                skip_blanks(&c);
                if (peek(&c) == '\n' || peek(&c) == ';') {
                        step(&c);
                        continue;
                }
                if (peek(&c) == '#') {
                        skip_line(&c);
                        continue;
                }
                if (peek(&c) < 0)
                        break;
                line = c.line;
                col = c.col;
                if (!is_name_start(peek(&c)))
                        why = "not a variable assignment";
                while (!why && is_name_char(peek(&c))) {
                        if (n >= ONE_NAME_MAX)
                                why = "a variable name longer than 64 characters";
                        else
                                var[n++] = *c.p;
                        step(&c);
                }
                var[n] = 0;
                if (!why && peek(&c) != '=')
                        why = "not a variable assignment";
                if (!why) {
                        struct buf v = BUF_INIT(ONE_CONTEXT_MAX);
                        assign = true;
                        step(&c);
                        why = read_value(&c, &v, &err);
                        if (!why)
                                why = read_end(&c);
                        if (!why && nvars >= ONE_VARS_MAX)
                                why = "one variable more than the 1024 read";
                        if (!why) {
                                size_t vlen;
                                char *s = buf_steal(&v, &vlen);
                                struct node *val = node_new(NODE_STR);
                                if (!val) {
                                        free_secret(s, vlen);
                                        return -ENOMEM;
                                }
                                val->line = line;
                                val->col = col;
                                if (!s && !(s = strdup("")))
                                        err = -ENOMEM;
                                else
                                        node_take_strn(val, s, vlen);
                                if (err >= 0)
                                        err = node_set(map, var, val);
                                else
                                        node_free(val);
                                if (err < 0)
                                        return err;
                                nvars++;
                                continue;
                        }
                        buf_free_secret(&v);
                }
                if (err == -ENOMEM)
                        return err;
                if (assign)
                        log_warning("%s:%u:%u: %s: %s; line skipped", name, line, col, var, why);
                else
                        log_warning("%s:%u:%u: %s; line skipped", name, line, col, why);
                /* an unterminated quote swallows the rest: nothing after it is ours */
                if (strstr(why, "unterminated"))
                        break;
                skip_line(&c);
        }
        *ret = TAKE_PTR(map);
        return 0;
}

/* --- network-config ----------------------------------------------------- */

#define NICS_MAX 64

struct nic {
        char name[16];
        char mac[18]; /* lower case */
};

static int nic_cmp(const void *a, const void *b)
{
        /* cloud-init's natural sort: eth2 before eth10 */
        return strverscmp(((const struct nic *)a)->name, ((const struct nic *)b)->name);
}

/* The physical NICs (those with a device) of <root>/sys/class/net. */
static size_t list_nics(int root_fd, struct nic *nics, size_t max)
{
        char **names = NULL, path[320];
        size_t n = 0, k = 0;

        if (fs_list_dir(root_fd, "/sys/class/net", NULL, 1024, &names, &n) < 0)
                return 0;
        for (size_t i = 0; i < n && k < max; i++) {
                _cleanup_free_ char *mac = NULL;
                if (streq(names[i], "lo") || valid_ifname(names[i]))
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/device", names[i]);
                if (!fs_exists(root_fd, path))
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", names[i]);
                if (fs_read_line(root_fd, path, &mac) < 0 || valid_mac(mac))
                        continue;
                (void)snprintf(nics[k].name, sizeof(nics[k].name), "%s", names[i]);
                for (size_t j = 0; j < sizeof(nics[k].mac) - 1 && mac[j]; j++)
                        nics[k].mac[j] =
                                (char)((mac[j] >= 'A' && mac[j] <= 'F') ? mac[j] + 32 : mac[j]);
                nics[k].mac[17] = 0;
                k++;
        }
        fs_list_free(names, n);
        qsort(nics, k, sizeof(*nics), nic_cmp);
        return k;
}

struct onet {
        const struct node *ctx;
        const char *file; /* for messages */
};

/* <DEV>_<NAME> of the context; NULL when absent or empty (cloud-init's
 * get_field: an empty value is the default). */
static const struct node *field(const struct onet *o, const char *dev, const char *name)
{
        char key[ONE_NAME_MAX + 32];
        const struct node *v;

        (void)snprintf(key, sizeof(key), "%s_%s", dev, name);
        for (char *p = key; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                        *p = (char)(*p - 32);
        v = node_get(o->ctx, key);
        return node_str(v) && v->len > 0 ? v : NULL;
}

_printf_(3, 4) static void bad(const struct onet *o, const struct node *v, const char *fmt, ...)
{
        char msg[256];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        log_warning("%s:%u:%u: %s; ignored", o->file, v ? v->line : 0, v ? v->col : 0, msg);
}

static int add_str(struct node *seq, const char *s)
{
        return node_append(seq, node_new_str(s));
}

/* Blank-separated words of v (may be NULL) not already in seq, each checked. */
static int add_words(const struct onet *o, struct node *seq, const struct node *v,
                     const char *(*check)(const char *), const char *var)
{
        if (!v)
                return 0;
        for (const char *p = v->str; *p;) {
                size_t n = strcspn(p, " \t\n");
                if (n > 0 && n < 256) {
                        char w[256];
                        bool dup = false;
                        memcpy(w, p, n);
                        w[n] = 0;
                        for (size_t i = 0; i < seq->n; i++)
                                dup = dup || streq(seq->items[i]->str, w);
                        if (check(w))
                                bad(o, v, "%s: \"%.64s\" %s", var, w, check(w));
                        else if (!dup && add_str(seq, w) < 0)
                                return -ENOMEM;
                }
                p += n;
                p += strspn(p, " \t\n");
        }
        return 0;
}

static const char *check_ip(const char *s)
{
        return valid_ip(s, NULL);
}

static int nameservers(const struct onet *o, const char *dev, struct node *conf)
{
        struct node *ns = node_new(NODE_MAP), *addr = node_new(NODE_SEQ),
                    *search = node_new(NODE_SEQ);
        int r = ns && addr && search ? 0 : -ENOMEM;
        const struct node *dns = node_get(o->ctx, "DNS"), *sd = node_get(o->ctx, "SEARCH_DOMAIN");

        char var[ONE_NAME_MAX + 32];

        (void)snprintf(var, sizeof(var), "%s_DNS", dev);
        if (r >= 0)
                r = add_words(o, addr, field(o, dev, "DNS"), check_ip, var);
        if (r >= 0)
                r = add_words(o, addr, node_str(dns) ? dns : NULL, check_ip, "DNS");
        (void)snprintf(var, sizeof(var), "%s_SEARCH_DOMAIN", dev);
        if (r >= 0)
                r = add_words(o, search, field(o, dev, "SEARCH_DOMAIN"), valid_dns_name, var);
        if (r >= 0)
                r = add_words(o, search, node_str(sd) ? sd : NULL, valid_dns_name, "SEARCH_DOMAIN");
        if (r >= 0 && addr->n)
                r = node_set(ns, "addresses", TAKE_PTR(addr));
        if (r >= 0 && search->n)
                r = node_set(ns, "search", TAKE_PTR(search));
        if (r >= 0 && ns->n)
                r = node_set(conf, "nameservers", TAKE_PTR(ns));
        node_free(addr);
        node_free(search);
        node_free(ns);
        return r;
}

/* ETHx_ROUTES: "NET via GW, NET via GW". */
static int routes(const struct onet *o, const char *dev, struct node *conf)
{
        const struct node *v = field(o, dev, "ROUTES");
        struct node *list;
        int r = 0;

        if (!v)
                return 0;
        list = node_new(NODE_SEQ);
        if (!list)
                return -ENOMEM;
        for (const char *p = v->str; *p && r >= 0;) {
                size_t n = strcspn(p, ",");
                char entry[300], to[256], via[256], word[8];
                int used = 0;
                if (n < sizeof(entry)) {
                        memcpy(entry, p, n);
                        entry[n] = 0;
                        if (strspn(entry, " \t\n") == n) {
                                /* an empty entry */
                        } else if (sscanf(entry, " %255s %7s %255s %n", to, word, via, &used) ==
                                           3 &&
                                   entry[used] == 0 && streq(word, "via") && !valid_ip(via, NULL) &&
                                   (!valid_ip_prefix(to, NULL) || !valid_ip(to, NULL))) {
                                struct node *rt = node_new(NODE_MAP);
                                r = rt ? node_set(rt, "to", node_new_str(to)) : -ENOMEM;
                                if (r >= 0)
                                        r = node_set(rt, "via", node_new_str(via));
                                if (r >= 0)
                                        r = node_append(list, rt);
                                else
                                        node_free(rt);
                        } else
                                bad(o, v, "%s_ROUTES: an entry is not \"NETWORK via GATEWAY\"",
                                    dev);
                } else
                        bad(o, v, "%s_ROUTES: an entry is too long", dev);
                p += n;
                p += *p == ',';
        }
        if (r >= 0 && list->n)
                return node_set(conf, "routes", list);
        node_free(list);
        return r;
}

static int nic_conf(const struct onet *o, const struct nic *nic, const char *dev, struct node *conf)
{
        const struct node *ip = field(o, dev, "IP"), *mask = field(o, dev, "MASK"),
                          *gw = field(o, dev, "GATEWAY"), *mtu = field(o, dev, "MTU"),
                          *p6 = field(o, dev, "IP6_PREFIX_LENGTH");
        const struct node *gw6 = field(o, dev, "IP6_GATEWAY") ?: field(o, dev, "GATEWAY6");
        struct node *match = node_new(NODE_MAP), *addrs = node_new(NODE_SEQ);
        char addr[128], mip[16];
        unsigned prefix = 24;
        uint64_t prefix6 = 64, m;
        int r = match && addrs ? 0 : -ENOMEM;

        if (r >= 0)
                r = node_set(match, "macaddress", node_new_str(nic->mac));
        if (r >= 0)
                r = node_set(conf, "match", TAKE_PTR(match));
        node_free(match);
        if (r < 0) {
                node_free(addrs);
                return r;
        }
        /* the IPv4 address: ETHx_IP, else the last four bytes of the MAC */
        {
                unsigned b[6];
                if (sscanf(nic->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
                           &b[5]) == 6)
                        (void)snprintf(mip, sizeof(mip), "%u.%u.%u.%u", b[2], b[3], b[4], b[5]);
                else
                        mip[0] = 0;
        }
        if (mask && valid_parse_netmask(mask->str, 32, &prefix) < 0) {
                bad(o, mask, "%s_MASK: not a netmask", dev);
                prefix = 24;
        }
        if (ip && valid_ip(ip->str, NULL)) {
                bad(o, ip, "%s_IP: not an IP address", dev);
                ip = NULL;
        }
        if (ip || mip[0]) {
                (void)snprintf(addr, sizeof(addr), "%s/%u", ip ? ip->str : mip, prefix);
                r = add_str(addrs, addr);
        }
        if (p6 && valid_parse_uint(p6->str, 0, 128, &prefix6) < 0) {
                bad(o, p6, "%s_IP6_PREFIX_LENGTH: not a prefix length", dev);
                prefix6 = 64;
        }
        static const char *const v6[] = { "IP6", "IP6_ULA", NULL };
        for (const char *const *k = v6; *k && r >= 0; k++) {
                const struct node *a = field(o, dev, *k);
                int fam = 0;
                if (!a)
                        continue;
                if (valid_ip(a->str, &fam) || fam != AF_INET6) {
                        bad(o, a, "%s_%s: not an IPv6 address", dev, *k);
                        continue;
                }
                (void)snprintf(addr, sizeof(addr), "%s/%u", a->str, (unsigned)prefix6);
                r = add_str(addrs, addr);
        }
        if (r >= 0)
                r = node_set(conf, "addresses", TAKE_PTR(addrs));
        node_free(addrs);
        if (r >= 0 && gw) {
                if (valid_ip(gw->str, NULL))
                        bad(o, gw, "%s_GATEWAY: not an IP address", dev);
                else
                        r = node_set(conf, "gateway4", node_new_str(gw->str));
        }
        if (r >= 0 && gw6) {
                if (valid_ip(gw6->str, NULL))
                        bad(o, gw6, "%s_IP6_GATEWAY: not an IP address", dev);
                else
                        r = node_set(conf, "gateway6", node_new_str(gw6->str));
        }
        if (r >= 0)
                r = nameservers(o, dev, conf);
        if (r >= 0 && mtu) {
                if (valid_mtu(mtu->str) || valid_parse_uint(mtu->str, 68, 65535, &m) < 0)
                        bad(o, mtu, "%s_MTU: not an MTU", dev);
                else
                        r = node_set(conf, "mtu", node_new_int((long long)m));
        }
        if (r >= 0)
                r = routes(o, dev, conf);
        return r;
}

static bool has_ip_var(const struct node *ctx)
{
        for (size_t i = 0; i + 1 < ctx->n; i += 2) {
                const char *k = ctx->items[i]->str;
                if (strncmp(k, "ETH", 3) != 0)
                        continue;
                k += 3;
                if (!(*k >= '0' && *k <= '9'))
                        continue;
                k += strspn(k, "0123456789");
                if (strncmp(k, "_IP", 3) == 0)
                        return true;
        }
        return false;
}

/* The context's name of the NIC with this MAC: ETHx when ETHx_MAC says so. */
static bool context_dev(const struct node *ctx, const char *mac, char *ret, size_t size)
{
        for (size_t i = 0; i + 1 < ctx->n; i += 2) {
                const char *k = ctx->items[i]->str, *v = node_str(ctx->items[i + 1]);
                size_t kl = strlen(k);
                if (kl > 4 && streq(k + kl - 4, "_MAC") && v && strcasecmp(v, mac) == 0 &&
                    kl - 4 < size) {
                        memcpy(ret, k, kl - 4);
                        ret[kl - 4] = 0;
                        return true;
                }
        }
        return false;
}

int one_network_config(int root_fd, const struct node *ctx, const char *name, char **ret,
                       size_t *ret_len)
{
        _cleanup_node_ struct node *doc = NULL;
        struct node *eths;
        struct nic nics[NICS_MAX];
        struct onet o = { .ctx = ctx, .file = name };
        struct buf b = BUF_INIT(DS_METADATA_MAX);
        size_t n;
        int r;

        *ret = NULL;
        *ret_len = 0;
        if (!ctx || ctx->type != NODE_MAP || !has_ip_var(ctx))
                return 0;
        n = list_nics(root_fd, nics, NICS_MAX);
        doc = node_new(NODE_MAP);
        eths = node_new(NODE_MAP);
        if (!doc || !eths) {
                node_free(eths);
                return -ENOMEM;
        }
        r = node_set(doc, "version", node_new_int(2));
        if (r >= 0)
                r = node_set(doc, "ethernets", eths);
        else
                node_free(eths);
        for (size_t i = 0; i < n && r >= 0; i++) {
                char dev[ONE_NAME_MAX + 1];
                struct node *conf = node_new(NODE_MAP);
                if (!context_dev(ctx, nics[i].mac, dev, sizeof(dev))) {
                        size_t len = strnlen(nics[i].name, sizeof(nics[i].name) - 1);
                        memcpy(dev, nics[i].name, len);
                        dev[len] = 0;
                }
                r = conf ? nic_conf(&o, &nics[i], dev, conf) : -ENOMEM;
                if (r >= 0)
                        r = node_set(eths, nics[i].name, conf);
                else
                        node_free(conf);
        }
        if (r >= 0)
                r = json_write(&b, doc, 0);
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b, ret_len);
        return *ret ? 0 : -ENOMEM;
}

/* --- the datasource ----------------------------------------------------- */

#define SEED_DIR "/var/lib/cloud/seed/opennebula"
#define DEFAULT_IID "iid-dsopennebula"

/* A copy of the first of keys the context has (NULL: none). */
static const struct node *first_of(const struct node *ctx, const char *const *keys)
{
        for (const char *const *k = keys; *k; k++) {
                const struct node *v = node_get(ctx, *k);
                if (node_str(v))
                        return v;
        }
        return NULL;
}

static int public_keys(struct node *md)
{
        static const char *const names[] = { "SSH_KEY", "SSH_PUBLIC_KEY", NULL };
        const struct node *v = first_of(md, names);
        struct node *keys;

        if (!v)
                return 0;
        keys = node_new(NODE_SEQ);
        if (!keys)
                return -ENOMEM;
        for (const char *p = v->str; *p;) {
                size_t n = strcspn(p, "\r\n");
                if (n > 0 && *p != '#' && node_append(keys, node_new_strn(p, n)) < 0) {
                        node_free(keys);
                        return -ENOMEM;
                }
                p += n;
                p += strspn(p, "\r\n");
        }
        return node_set(md, "public-keys", keys);
}

static int user_data(const struct ds_ctx *ctx, const struct node *md, const char *file,
                     struct ds_result *res)
{
        static const char *const names[] = { "USER_DATA", "USERDATA", NULL };
        static const char *const encs[] = { "USERDATA_ENCODING", "USER_DATA_ENCODING", NULL };
        const struct node *ud = first_of(md, names), *enc = first_of(md, encs);

        if (!ud)
                return 0;
        if (enc && streq(enc->str, "base64")) {
                int r = b64_decode(ud->str, ud->len, ctx->user_data_max, &res->ud, &res->ud_len);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        log_warning("%s:%u:%u: USER_DATA is not valid base64 or decodes to more "
                                    "than %zu bytes; not used",
                                    file, ud->line, ud->col, ctx->user_data_max);
                return 0;
        }
        if (enc)
                log_warning("%s:%u:%u: %s: unknown encoding; USER_DATA taken as it is", file,
                            enc->line, enc->col,
                            node_get(md, "USERDATA_ENCODING") ? "USERDATA_ENCODING"
                                                              : "USER_DATA_ENCODING");
        if (ud->len > ctx->user_data_max) {
                log_warning("%s: USER_DATA is larger than %zu bytes; not used", file,
                            ctx->user_data_max);
                return 0;
        }
        res->ud = strndup(ud->str, ud->len);
        res->ud_len = ud->len;
        return res->ud ? 0 : -ENOMEM;
}

/* Read top/context.sh in fd into res. -ENOENT: no context there. */
static int read_context(const struct ds_ctx *ctx, int fd, const char *top, const char *display,
                        struct ds_result *res)
{
        static const char *const host_keys[] = { "SET_HOSTNAME", "HOSTNAME", "PUBLIC_IP",
                                                 "IP_PUBLIC",    "ETH0_IP",  NULL };
        _cleanup_free_ char *data = NULL;
        char path[512], file[600];
        const struct node *v;
        size_t len;
        int r;

        (void)snprintf(path, sizeof(path), "%s/context.sh", top);
        (void)snprintf(file, sizeof(file), "%s/context.sh", display);
        r = fs_read_regular(fd, path, ONE_CONTEXT_MAX, &data, &len);
        if (r == -E2BIG)
                log_warning("%s is larger than %u bytes; not used", file, ONE_CONTEXT_MAX);
        if (r < 0)
                return -ENOENT;
        r = one_context_parse(data, len, file, &res->md);
        explicit_bzero(data, len);
        if (r < 0)
                return r;
        v = node_get(res->md, "DSMODE");
        res->dsmode = strdup(node_str(v) && (streq(v->str, "local") || streq(v->str, "net") ||
                                             streq(v->str, "disabled"))
                                     ? v->str
                                     : "net");
        if (!res->dsmode)
                return -ENOMEM;
        if (v && node_str(v) && !streq(res->dsmode, v->str))
                log_warning("%s:%u:%u: DSMODE must be local, net or disabled; using net", file,
                            v->line, v->col);
        if (streq(res->dsmode, "disabled")) {
                log_info("%s: DSMODE=disabled: the OpenNebula datasource is not used", file);
                return -ENOENT;
        }
        r = node_set(res->md, "instance-id", node_new_str(DEFAULT_IID));
        if (r >= 0)
                r = public_keys(res->md);
        if (r >= 0 && (v = first_of(res->md, host_keys)))
                r = node_set(res->md, "local-hostname", node_new_str(v->str));
        if (r >= 0)
                r = user_data(ctx, res->md, file, res);
        if (r >= 0)
                r = one_network_config(ctx->root_fd, res->md, file, &res->netcfg, &res->netcfg_len);
        if (r < 0)
                return r;
        res->ud_name = strdup(file);
        res->seed = strdup(display);
        return res->ud_name && res->seed ? 0 : -ENOMEM;
}

static int probe_devices(const struct ds_ctx *ctx, struct ds_result *res)
{
        static const char *const labels[] = { "CONTEXT", "CDROM", NULL };
        static const char *const types[] = { "iso9660", "vfat", NULL };
        struct labelled_dev *devs = NULL;
        size_t n = 0;
        int r = blockdev_find(labels, types, &devs, &n);

        if (r < 0)
                return log_warning_errno(r, "OpenNebula: cannot list block devices: %m");
        r = -ENOENT;
        for (size_t i = 0; i < n && r == -ENOENT; i++) {
                _cleanup_close_ int dfd = -1;
                char *dir = NULL;

                if (blockdev_mount_ro(&devs[i], &dir) < 0) {
                        log_warning("OpenNebula: %s was not mountable", devs[i].devname);
                        continue;
                }
                dfd = fs_open_root(dir);
                r = dfd < 0 ? -ENOENT : read_context(ctx, dfd, "", devs[i].devname, res);
                blockdev_umount(dir);
                if (r == -ENOENT)
                        ds_result_done(res);
                else if (r >= 0 &&
                         asprintf(&res->subplatform, "config-disk (%s)", devs[i].devname) < 0)
                        r = -ENOMEM;
        }
        blockdev_list_free(devs, n);
        return r;
}

static int opennebula_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        int r = read_context(ctx, ctx->root_fd, SEED_DIR, SEED_DIR, res);

        if (r >= 0) {
                res->subplatform = strdup("seed-dir (" SEED_DIR ")");
                if (!res->subplatform)
                        return -ENOMEM;
        } else if (r == -ENOENT && ctx->probe_devices) {
                ds_result_done(res);
                r = probe_devices(ctx, res);
        }
        if (r < 0)
                return r;
        res->iid = strdup(DEFAULT_IID);
        res->platform = strdup("opennebula");
        return res->iid && res->platform ? 0 : -ENOMEM;
}

const struct datasource ds_opennebula = {
        .name = "OpenNebula",
        .local = true,
        .probe = opennebula_probe,
};
