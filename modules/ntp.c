/* SPDX-License-Identifier: Apache-2.0 */
/* ntp (config stage, per instance): cloud-init's cc_ntp. The client is
 * ntp_client, else system_info.ntp_client, else the first of chrony,
 * systemd-timesyncd, ntp, ntpdate whose program is in the target (chrony when
 * none is); ntp.config overrides its confpath, check_exe, packages,
 * service_name and template. A confpath already there is kept as
 * <confpath>.dist; the configuration is rendered as cloud-init's Debian
 * templates render it (servers, pools, peers, allow; the distro's pool
 * servers when neither servers nor pools are given), the package installed
 * in the target when its program is missing, and the service reloaded or
 * restarted -- under --root only enabled in the target. A user template is
 * rendered by the jinja subset ({% for %} is not in it: such a template is
 * refused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define MAX_HOSTS 64

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_strs = { .types = T_SEQ, .items = &s_str };
static const struct schema s_client = { .types = T_STR };
static const struct schema_prop config_props[] = {
        { "confpath", &s_str, false },  { "check_exe", &s_str, false },
        { "packages", &s_strs, false }, { "service_name", &s_str, false },
        { "template", &s_str, false },  { NULL, NULL, false },
};
static const struct schema s_config = { .types = T_MAP, .props = config_props, .closed = true };
static const struct schema_prop ntp_props[] = {
        { "pools", &s_strs, false },        { "servers", &s_strs, false },
        { "peers", &s_strs, false },        { "allow", &s_strs, false },
        { "ntp_client", &s_client, false }, { "enabled", &s_bool, false },
        { "config", &s_config, false },     { NULL, NULL, false },
};
static const struct schema s_ntp = { .types = T_MAP | T_NULL, .props = ntp_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "ntp", &s_ntp, false }, { NULL, NULL, false } };
static const char *const activate[] = { "ntp", NULL };

enum tmpl { TMPL_NONE, TMPL_CHRONY, TMPL_NTP, TMPL_TIMESYNCD };

struct client {
        const char *name;
        const char *check_exe;
        const char *confpath;
        const char *package; /* NULL: none */
        const char *service;
        enum tmpl tmpl;
};

/* cloud-init's NTP_CLIENT_CONFIG with Debian's overrides. */
static const struct client known[] = {
        { "chrony", "chronyd", "/etc/chrony/chrony.conf", "chrony", "chrony", TMPL_CHRONY },
        { "systemd-timesyncd", "/lib/systemd/systemd-timesyncd",
          "/etc/systemd/timesyncd.conf.d/cloud-init.conf", NULL, "systemd-timesyncd",
          TMPL_TIMESYNCD },
        { "ntp", "ntpd", "/etc/ntp.conf", "ntpsec", "ntp", TMPL_NTP },
        { "ntpdate", "ntpdate", "/etc/ntp.conf", "ntpdate", "ntpdate", TMPL_NTP },
        { "openntpd", "ntpd", "/etc/ntpd.conf", NULL, "ntpd", TMPL_NONE },
};

static const char chrony_head[] =
        "# Welcome to the chrony configuration file. See chrony.conf(5) for more\n"
        "# information about usable directives.\n";
static const char chrony_tail[] =
        "\n"
        "# This directive specify the location of the file containing ID/key pairs for\n"
        "# NTP authentication.\n"
        "keyfile /etc/chrony/chrony.keys\n"
        "\n"
        "# This directive specify the file into which chronyd will store the rate\n"
        "# information.\n"
        "driftfile /var/lib/chrony/chrony.drift\n"
        "\n"
        "# Uncomment the following line to turn logging on.\n"
        "#log tracking measurements statistics\n"
        "\n"
        "# Log files location.\n"
        "logdir /var/log/chrony\n"
        "\n"
        "# Stop bad estimates upsetting machine clock.\n"
        "maxupdateskew 100.0\n"
        "\n"
        "# This directive enables kernel synchronisation (every 11 minutes) of the\n"
        "# real-time clock. Note that it can\xe2\x80\x99"
        "t be used along with the 'rtcfile' directive.\n"
        "rtcsync\n"
        "\n"
        "# Step the system clock instead of slewing it if the adjustment is larger than\n"
        "# one second, but only in the first three clock updates.\n"
        "makestep 1 3\n"
        "\n";
static const char ntp_head[] =
        "\n"
        "# /etc/ntp.conf, configuration for ntpd; see ntp.conf(5) for help\n"
        "\n"
        "driftfile /var/lib/ntp/ntp.drift\n"
        "\n"
        "# Enable this if you want statistics to be logged.\n"
        "#statsdir /var/log/ntpstats/\n"
        "\n"
        "statistics loopstats peerstats clockstats\n"
        "filegen loopstats file loopstats type day enable\n"
        "filegen peerstats file peerstats type day enable\n"
        "filegen clockstats file clockstats type day enable\n"
        "\n"
        "\n"
        "# You do need to talk to an NTP server or two (or three).\n"
        "#server ntp.your-provider.example\n"
        "\n"
        "# pool.ntp.org maps to about 1000 low-stratum NTP servers.  Your server will\n"
        "# pick a different set every time it starts up.  Please consider joining the\n"
        "# pool: <http://www.pool.ntp.org/join.html>\n";
static const char ntp_tail[] =
        "\n"
        "# Access control configuration; see /usr/share/doc/ntp-doc/html/accopt.html for\n"
        "# details.  The web page <http://support.ntp.org/bin/view/Support/AccessRestrictions>\n"
        "# might also be helpful.\n"
        "#\n"
        "# Note that \"restrict\" applies to both servers and clients, so a configuration\n"
        "# that might be intended to block requests from certain clients could also end\n"
        "# up blocking replies from your own upstream servers.\n"
        "\n"
        "# By default, exchange time with everybody, but don't allow configuration.\n"
        "restrict -4 default kod notrap nomodify nopeer noquery limited\n"
        "restrict -6 default kod notrap nomodify nopeer noquery limited\n"
        "\n"
        "# Local users may interrogate the ntp server more closely.\n"
        "restrict 127.0.0.1\n"
        "restrict ::1\n"
        "\n"
        "# Needed for adding pool entries\n"
        "restrict source notrap nomodify noquery\n"
        "\n"
        "# Clients from this (example!) subnet have unlimited access, but only if\n"
        "# cryptographically authenticated.\n"
        "#restrict 192.168.123.0 mask 255.255.255.0 notrust\n"
        "\n"
        "\n"
        "# If you want to provide time to your local subnet, change the next line.\n"
        "# (Again, the address is an example only.)\n"
        "#broadcast 192.168.123.255\n"
        "\n"
        "# If you want to listen to time broadcasts on your local subnet, de-comment the\n"
        "# next lines.  Please do this only if you trust everybody on the network!\n"
        "#disable auth\n"
        "#broadcastclient\n";

/* Host names, addresses and networks: nothing that could add an option, a
 * field or a line. */
static bool host_ok(const char *s)
{
        return sysconf_word_ok(s, ".-:/_[]%", 255);
}

/* The strings of cfg[key], checked; a bad one is refused alone. */
static int collect(const struct node *ntp, const char *key, const char **ret, size_t *ret_n)
{
        const struct node *list = node_get(ntp, key);
        char what[32];
        int r = 0;
        *ret_n = 0;
        (void)snprintf(what, sizeof(what), "ntp.%s", key);
        for (size_t i = 0; list && list->type == NODE_SEQ && i < list->n; i++) {
                const char *s = node_str(list->items[i]);
                if (!s || !host_ok(s)) {
                        sysconf_refuse(list->items[i], what,
                                       "must be a host name, an address or a network");
                        r = -EINVAL;
                } else if (*ret_n < MAX_HOSTS)
                        ret[(*ret_n)++] = s;
        }
        return r;
}

struct hosts {
        const char *servers[MAX_HOSTS], *pools[MAX_HOSTS], *peers[MAX_HOSTS], *allow[MAX_HOSTS];
        size_t n_servers, n_pools, n_peers, n_allow;
        char defaults[4][64];
};

static int put_list(struct buf *b, const char *fmt, const char *const *v, size_t n)
{
        int r = 0;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = buf_printf(b, fmt, v[i]);
        return r;
}

static int render_builtin(enum tmpl t, const struct hosts *h, struct buf *b)
{
        int r;
        if (t == TMPL_TIMESYNCD) {
                r = buf_puts(b, "# cloud-init generated file\n"
                                "# See timesyncd.conf(5) for details.\n"
                                "\n"
                                "[Time]\n");
                if (r >= 0 && (h->n_servers || h->n_pools))
                        r = buf_puts(b, "NTP=");
                if (r >= 0)
                        r = put_list(b, "%s ", h->servers, h->n_servers);
                if (r >= 0)
                        r = put_list(b, "%s ", h->pools, h->n_pools);
                if (r >= 0 && (h->n_servers || h->n_pools))
                        r = buf_puts(b, "\n");
                return r;
        }
        r = buf_puts(b, t == TMPL_CHRONY ? chrony_head : ntp_head);
        if (r >= 0 && h->n_pools)
                r = buf_puts(b, "# pools\n");
        if (r >= 0)
                r = put_list(b, "pool %s iburst\n", h->pools, h->n_pools);
        if (r >= 0 && h->n_servers)
                r = buf_puts(b, "# servers\n");
        if (r >= 0)
                r = put_list(b, "server %s iburst\n", h->servers, h->n_servers);
        if (r >= 0)
                r = put_list(b, "peer %s\n", h->peers, h->n_peers);
        if (r >= 0 && t == TMPL_CHRONY)
                r = put_list(b, "allow %s\n", h->allow, h->n_allow);
        if (r >= 0)
                r = buf_puts(b, t == TMPL_CHRONY ? chrony_tail : ntp_tail);
        return r;
}

/* The jinja that ntp templates use, rendered as jinja2 with trim_blocks
 * renders it: text, {{ name }}, {% if name %}/{% else %}/{% endif %} and
 * {% for x in name %}/{% endfor %} over servers, pools, peers and allow,
 * with '-' whitespace control. Anything else is refused. */
enum tok_kind { TK_TEXT, TK_VAR, TK_IF, TK_ELSE, TK_ENDIF, TK_FOR, TK_ENDFOR };

struct tok {
        enum tok_kind kind;
        const char *s; /* text, or the name */
        size_t len;
        const char *var; /* for: the loop variable */
        size_t var_len;
};

#define MAX_TOKS 4096

struct tmpl_ctx {
        const struct hosts *h;
        const char *loop_var;
        size_t loop_len;
        const char *loop_val;
};

static bool ws(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int word(const char **p, const char *end, const char **ret, size_t *ret_len)
{
        while (*p < end && ws(**p))
                (*p)++;
        *ret = *p;
        while (*p < end && ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') ||
                            (**p >= '0' && **p <= '9') || **p == '_'))
                (*p)++;
        *ret_len = (size_t)(*p - *ret);
        return *ret_len ? 0 : -EINVAL;
}

static int tokenize(const char *text, struct tok *toks, size_t *ret_n)
{
        const char *p = text;
        size_t n = 0;
        bool strip_next = false, trim_nl = false;

        while (*p) {
                const char *open = strstr(p, "{"), *t = p, *tend;
                while (open && open[1] != '{' && open[1] != '%')
                        open = strstr(open + 1, "{");
                tend = open ? open : p + strlen(p);
                if (strip_next)
                        while (t < tend && ws(*t))
                                t++;
                if (trim_nl && t < tend && *t == '\n' && !strip_next)
                        t++;
                strip_next = trim_nl = false;
                if (open && open[2] == '-')
                        while (tend > t && ws(tend[-1]))
                                tend--;
                if (tend > t) {
                        if (n == MAX_TOKS)
                                return -E2BIG;
                        toks[n++] = (struct tok){ TK_TEXT, t, (size_t)(tend - t), NULL, 0 };
                }
                if (!open)
                        break;
                {
                        bool block = open[1] == '%';
                        const char *close = strstr(open + 2, block ? "%}" : "}}"), *q, *e;
                        struct tok tk = { 0 };
                        if (!close || n == MAX_TOKS)
                                return -EINVAL;
                        q = open + 2 + (open[2] == '-');
                        e = close - (close > q && close[-1] == '-');
                        if (!block) {
                                tk.kind = TK_VAR;
                                if (word(&q, e, &tk.s, &tk.len) < 0)
                                        return -EINVAL;
                        } else {
                                const char *kw;
                                size_t kl;
                                if (word(&q, e, &kw, &kl) < 0)
                                        return -EINVAL;
                                if (kl == 2 && !strncmp(kw, "if", 2)) {
                                        tk.kind = TK_IF;
                                        if (word(&q, e, &tk.s, &tk.len) < 0)
                                                return -EINVAL;
                                } else if (kl == 4 && !strncmp(kw, "else", 4))
                                        tk.kind = TK_ELSE;
                                else if (kl == 5 && !strncmp(kw, "endif", 5))
                                        tk.kind = TK_ENDIF;
                                else if (kl == 6 && !strncmp(kw, "endfor", 6))
                                        tk.kind = TK_ENDFOR;
                                else if (kl == 3 && !strncmp(kw, "for", 3)) {
                                        const char *in;
                                        size_t il;
                                        tk.kind = TK_FOR;
                                        if (word(&q, e, &tk.var, &tk.var_len) < 0 ||
                                            word(&q, e, &in, &il) < 0 || il != 2 ||
                                            strncmp(in, "in", 2) || word(&q, e, &tk.s, &tk.len) < 0)
                                                return -EINVAL;
                                } else
                                        return -EINVAL;
                        }
                        while (q < e && ws(*q))
                                q++;
                        if (q != e)
                                return -EINVAL;
                        toks[n++] = tk;
                        strip_next = close > open + 2 && close[-1] == '-';
                        trim_nl = block;
                        p = close + 2;
                }
        }
        *ret_n = n;
        return 0;
}

static bool is(const struct tok *t, const char *name)
{
        return t->len == strlen(name) && strncmp(t->s, name, t->len) == 0;
}

static int list_of(const struct hosts *h, const struct tok *t, const char *const **ret,
                   size_t *ret_n)
{
        if (is(t, "servers"))
                *ret = h->servers, *ret_n = h->n_servers;
        else if (is(t, "pools"))
                *ret = h->pools, *ret_n = h->n_pools;
        else if (is(t, "peers"))
                *ret = h->peers, *ret_n = h->n_peers;
        else if (is(t, "allow"))
                *ret = h->allow, *ret_n = h->n_allow;
        else
                return -EINVAL;
        return 0;
}

/* The index of the token that closes the block opened at i (and of its else). */
static int block_end(const struct tok *toks, size_t n, size_t i, size_t *ret_else, size_t *ret_end)
{
        size_t depth = 0;
        *ret_else = 0;
        for (size_t k = i + 1; k < n; k++) {
                if (toks[k].kind == TK_IF || toks[k].kind == TK_FOR)
                        depth++;
                else if ((toks[k].kind == TK_ENDIF || toks[k].kind == TK_ENDFOR) && depth)
                        depth--;
                else if (toks[k].kind == TK_ELSE && !depth && toks[i].kind == TK_IF)
                        *ret_else = k;
                else if (!depth && toks[k].kind == (toks[i].kind == TK_IF ? TK_ENDIF : TK_ENDFOR)) {
                        *ret_end = k;
                        return 0;
                } else if (!depth && (toks[k].kind == TK_ENDIF || toks[k].kind == TK_ENDFOR))
                        return -EINVAL;
        }
        return -EINVAL;
}

static int eval(const struct tok *toks, size_t from, size_t to, struct tmpl_ctx *c, struct buf *b,
                unsigned level)
{
        int r = 0;
        if (level > 16)
                return -ELOOP;
        for (size_t i = from; i < to && r >= 0; i++) {
                const struct tok *t = &toks[i];
                const char *const *list;
                size_t n, els, end;
                switch (t->kind) {
                case TK_TEXT:
                        r = buf_append(b, t->s, t->len);
                        break;
                case TK_VAR:
                        if (c->loop_var && t->len == c->loop_len &&
                            !strncmp(t->s, c->loop_var, t->len))
                                r = buf_puts(b, c->loop_val);
                        else
                                r = -EINVAL;
                        break;
                case TK_IF:
                        if (list_of(c->h, t, &list, &n) < 0 ||
                            block_end(toks, to, i, &els, &end) < 0)
                                return -EINVAL;
                        if (n)
                                r = eval(toks, i + 1, els ? els : end, c, b, level + 1);
                        else if (els)
                                r = eval(toks, els + 1, end, c, b, level + 1);
                        i = end;
                        break;
                case TK_FOR: {
                        struct tmpl_ctx inner = *c;
                        if (list_of(c->h, t, &list, &n) < 0 ||
                            block_end(toks, to, i, &els, &end) < 0)
                                return -EINVAL;
                        inner.loop_var = t->var;
                        inner.loop_len = t->var_len;
                        for (size_t k = 0; k < n && r >= 0; k++) {
                                inner.loop_val = list[k];
                                r = eval(toks, i + 1, end, &inner, b, level + 1);
                        }
                        i = end;
                        break;
                }
                default:
                        return -EINVAL;
                }
        }
        return r;
}

/* A user's template: "## template: jinja" rendered as above, any other text
 * written as it is. */
static int render_user(const struct node *tnode, const struct hosts *h, struct buf *b)
{
        const char *text = tnode->str, *eol = strchr(text, '\n');
        _cleanup_free_ struct tok *toks = NULL;
        struct tmpl_ctx c = { .h = h };
        size_t n = 0;
        int r;

        if (!sysconf_text_ok(text)) {
                sysconf_refuse(tnode, "ntp.config.template", "holds a control character");
                return -EINVAL;
        }
        if (!startswith(text, "## template:") || !eol)
                return buf_puts(b, text);
        toks = calloc(MAX_TOKS, sizeof(*toks));
        if (!toks)
                return -ENOMEM;
        r = tokenize(eol + 1, toks, &n);
        if (r >= 0)
                r = eval(toks, 0, n, &c, b, 0);
        if (r < 0) {
                sysconf_refuse(tnode, "ntp.config.template",
                               "uses jinja beyond {{ x }}, if, else and for over servers, pools, "
                               "peers and allow");
                return -EINVAL;
        }
        /* cloud-init's jinja_render keeps the template's final newline */
        if (endswith(text, "\n"))
                r = buf_putc(b, '\n');
        return r;
}

static int ntp_run(const struct module_ctx *ctx)
{
        const struct node *ntp = node_get(ctx->cfg, "ntp"), *conf, *pk;
        const char *distro = node_get_str(node_get(ctx->cfg, "system_info"), "distro");
        const char *choice = node_get_str(ntp, "ntp_client");
        struct sysconf_target tgt = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct client *c = NULL;
        struct client mine, custom = { .name = "custom", .tmpl = TMPL_NONE };
        const char *pkgs[16];
        size_t n_pkgs = 0;
        struct hosts h = { 0 };
        struct buf b = BUF_INIT(1u << 20);
        char dist[512];
        int r = 0, k;

        if (!ntp)
                return 0;
        if (ntp->type == NODE_MAP && !node_get_bool(ntp, "enabled", true)) {
                log_info("ntp: disabled by config");
                return 0;
        }
        if (!choice || streq(choice, "auto"))
                choice = node_get_str(node_get(ctx->cfg, "system_info"), "ntp_client");
        if (choice && !streq(choice, "auto")) {
                for (size_t i = 0; i < ELEMENTSOF(known); i++)
                        if (streq(known[i].name, choice))
                                c = &known[i];
                /* a client of the user's own: ntp.config must say everything */
                if (!c && sysconf_word_ok(choice, "._-", 64)) {
                        c = &custom;
                }
                if (!c)
                        return log_error_errno(-EINVAL, "ntp: unknown ntp_client '%.64s'",
                                               sysconf_line_ok(choice) ? choice : "?");
        } else {
                /* Debian's (cloud-init's) preference: the first installed one */
                for (size_t i = 0; i < 4 && !c; i++)
                        if (sysconf_have(ctx->root_fd, known[i].check_exe))
                                c = &known[i];
                if (!c)
                        c = &known[0];
        }
        log_info("ntp: client %s", streq(c->name, "custom") ? choice : c->name);
        mine = *c;
        conf = node_get(ntp, "config");
        if (conf && conf->type == NODE_MAP) {
                static const char *const keys[] = { "confpath", "check_exe", "service_name" };
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                        const struct node *v = node_get(conf, keys[i]);
                        char what[40];
                        const char *s = node_str(v);
                        (void)snprintf(what, sizeof(what), "ntp.config.%s", keys[i]);
                        if (!v)
                                continue;
                        if (!s || !sysconf_word_ok(s, i == 2 ? "._@-" : "/._-", 255) ||
                            (i == 0 && (s[0] != '/' || strstr(s, "..")))) {
                                sysconf_refuse(v, what, "not a usable value");
                                return -EINVAL;
                        }
                        if (i == 0)
                                mine.confpath = s;
                        else if (i == 1)
                                mine.check_exe = s;
                        else
                                mine.service = s;
                }
        }
        pk = conf ? node_get(conf, "packages") : NULL;
        if (pk) {
                for (size_t i = 0; pk->type == NODE_SEQ && i < pk->n; i++) {
                        const char *s = node_str(pk->items[i]);
                        if (!s || *s == '-' || !sysconf_word_ok(s, ".+-_:", 128)) {
                                sysconf_refuse(pk->items[i], "ntp.config.packages",
                                               "not a package name");
                                return -EINVAL;
                        }
                        if (n_pkgs < ELEMENTSOF(pkgs))
                                pkgs[n_pkgs++] = s;
                }
        } else if (mine.package)
                pkgs[n_pkgs++] = mine.package;

        k = collect(ntp, "servers", h.servers, &h.n_servers);
        if (k < 0)
                r = k;
        k = collect(ntp, "pools", h.pools, &h.n_pools);
        if (k < 0)
                r = k;
        k = collect(ntp, "peers", h.peers, &h.n_peers);
        if (k < 0)
                r = k;
        k = collect(ntp, "allow", h.allow, &h.n_allow);
        if (k < 0)
                r = k;
        if (!h.n_servers && !h.n_pools) {
                /* cloud-init's generate_server_names */
                const char *d = distro && sysconf_word_ok(distro, "-_", 32) ? distro : "debian";
                for (size_t i = 0; i < 4; i++) {
                        (void)snprintf(h.defaults[i], sizeof(h.defaults[i]), "%zu.%s%spool.ntp.org",
                                       i, streq(d, "alpine") || streq(d, "eurolinux") ? "" : d,
                                       streq(d, "alpine") || streq(d, "eurolinux") ? "" : ".");
                        h.pools[h.n_pools++] = h.defaults[i];
                }
        }

        if (!mine.confpath || !mine.check_exe || !mine.service) {
                buf_free(&b);
                return log_error_errno(-EINVAL, "Invalid ntp configuration: missing required "
                                                "ntp:config keys (confpath, check_exe, "
                                                "service_name)");
        }
        if (conf && node_get(conf, "template"))
                k = node_str(node_get(conf, "template"))
                            ? render_user(node_get(conf, "template"), &h, &b)
                            : -EINVAL;
        else if (mine.tmpl == TMPL_NONE)
                k = log_error_errno(-ENOENT, "ntp: no template for %s; not rendering %s", mine.name,
                                    mine.confpath);
        else
                k = render_builtin(mine.tmpl, &h, &b);
        if (k < 0) {
                buf_free(&b);
                return k;
        }
        /* cloud-init's rename_ntp_conf: the distribution's file is kept aside */
        if (fs_exists(ctx->root_fd, mine.confpath)) {
                _cleanup_free_ char *old = NULL;
                size_t len = 0;
                (void)snprintf(dist, sizeof(dist), "%s.dist", mine.confpath);
                k = fs_read_file(ctx->root_fd, mine.confpath, 1u << 20, &old, &len);
                if (k >= 0)
                        k = fs_write_atomic(ctx->root_fd, dist, old, len, 0644, FS_NO_OWNER,
                                            (gid_t)-1);
                if (k < 0)
                        log_warning_errno(k, "Cannot keep %s as %s: %m", mine.confpath, dist);
        }
        k = fs_write_atomic(ctx->root_fd, mine.confpath, b.data ? b.data : "", b.len, 0644,
                            FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        if (k < 0)
                return log_error_errno(k, "Cannot write %s: %m", mine.confpath);
        log_info("Wrote %s", mine.confpath);
        if (!sysconf_have(ctx->root_fd, mine.check_exe) && n_pkgs) {
                k = sysconf_install(&tgt, ctx->root_fd, pkgs, n_pkgs);
                if (k < 0)
                        r = k;
        }
        k = sysconf_service(&tgt, ctx->root_fd, mine.service, "reload-or-restart");
        if (k < 0)
                r = k;
        return r;
}

const struct module mod_ntp = {
        .name = "ntp",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = ntp_run,
};
