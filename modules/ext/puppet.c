/* SPDX-License-Identifier: Apache-2.0 */
/* puppet (external module), cloud-init's cc_puppet: install puppet (the
 * distro package, puppet-agent then puppet when no package_name is given; or
 * puppetlabs' AIO script, fetched with the bounded HTTP fetcher and run by
 * argv, only for install_type: aio), write conf's sections into puppet.conf
 * (an INI file read back and rewritten, the old one kept as .old), ca_cert
 * into the SSL directory, csr_attributes as YAML, enable the service, run
 * `puppet agent` when exec is set, and start the service. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmtool.h"
#include "extmod.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "passwd.h"
#include "sysconf.h"

#define AIO_INSTALL_URL "https://raw.githubusercontent.com/puppetlabs/install-puppet/main/install.sh"
#define CONF_MAX (1u << 20)
#define INI_MAX_LINES 4096

static const char *const install_types[] = { "packages", "aio", NULL };

static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_path = { .types = T_STR, .check = cm_check_path };
static const struct schema s_word = { .types = T_STR, .check = cm_check_word };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_type = { .types = T_STR, .enums = install_types };
static const struct schema s_args = { .types = T_SEQ | T_STR, .items = &s_str, .check = cm_check_arg };
static const struct schema s_section = { .types = T_MAP };
static const struct schema s_pem = { .types = T_STR };
static const struct schema_prop conf_props[] = {
        { "main", &s_section, false },   { "server", &s_section, false },
        { "agent", &s_section, false },  { "user", &s_section, false },
        { "ca_cert", &s_pem, false },    { NULL, NULL, false },
};
static const struct schema s_conf = { .types = T_MAP, .props = conf_props, .closed = true };
static const struct schema s_obj = { .types = T_MAP };
static const struct schema_prop csr_props[] = {
        { "custom_attributes", &s_obj, false },
        { "extension_requests", &s_obj, false },
        { NULL, NULL, false },
};
static const struct schema s_csr = { .types = T_MAP, .props = csr_props, .closed = true };
static const struct schema_prop puppet_props[] = {
        { "install", &s_bool, false },
        { "version", &s_word, false },
        { "install_type", &s_type, false },
        { "collection", &s_word, false },
        { "aio_install_url", &s_str, false },
        { "cleanup", &s_bool, false },
        { "conf_file", &s_path, false },
        { "ssl_dir", &s_path, false },
        { "csr_attributes_path", &s_path, false },
        { "package_name", &s_word, false },
        { "exec", &s_bool, false },
        { "exec_args", &s_args, false },
        { "start_service", &s_bool, false },
        { "conf", &s_conf, false },
        { "csr_attributes", &s_csr, false },
        { NULL, NULL, false },
};
static const struct schema s_puppet = { .types = T_MAP, .props = puppet_props, .closed = true };
static const struct schema_prop keys[] = {
        { "puppet", &s_puppet, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "puppet", NULL };

/* --- puppet.conf as cloud-init's ConfigParser reads and writes it ---------- */

struct ini_line {
        char *section; /* owned by the section's header line */
        char *key, *value;
};

struct ini {
        char *sections[64];
        size_t n_sections;
        struct ini_line lines[INI_MAX_LINES];
        size_t n;
};

static void ini_done(struct ini *ini)
{
        for (size_t i = 0; i < ini->n; i++) {
                free(ini->lines[i].key);
                free(ini->lines[i].value);
        }
        for (size_t i = 0; i < ini->n_sections; i++)
                free(ini->sections[i]);
}

static char *ini_section(struct ini *ini, const char *name, size_t len, bool add)
{
        for (size_t i = 0; i < ini->n_sections; i++)
                if (strlen(ini->sections[i]) == len && !strncmp(ini->sections[i], name, len))
                        return ini->sections[i];
        if (!add || ini->n_sections >= ELEMENTSOF(ini->sections))
                return NULL;
        ini->sections[ini->n_sections] = strndup(name, len);
        return ini->sections[ini->n_sections++];
}

static char *trim(char *s)
{
        char *e;

        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                *--e = '\0';
        return s;
}

/* Set key in section (ConfigParser lower-cases option names). */
static int ini_set(struct ini *ini, const char *section, const char *key, const char *value)
{
        char *sec = ini_section(ini, section, strlen(section), true), *k, *v;
        size_t last = SIZE_MAX;

        if (!sec)
                return -E2BIG;
        k = strdup(key);
        v = strdup(value);
        if (!k || !v) {
                free(k);
                free(v);
                return -ENOMEM;
        }
        for (char *p = k; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p - 'A' + 'a');
        for (size_t i = 0; i < ini->n; i++) {
                if (ini->lines[i].section != sec)
                        continue;
                last = i;
                if (streq(ini->lines[i].key, k)) {
                        free(ini->lines[i].value);
                        ini->lines[i].value = v;
                        free(k);
                        return 0;
                }
        }
        if (ini->n >= INI_MAX_LINES) {
                free(k);
                free(v);
                return -E2BIG;
        }
        /* after the section's last option (or at the end) */
        size_t at = last == SIZE_MAX ? ini->n : last + 1;
        memmove(&ini->lines[at + 1], &ini->lines[at], (ini->n - at) * sizeof(ini->lines[0]));
        ini->lines[at] = (struct ini_line){ .section = sec, .key = k, .value = v };
        ini->n++;
        return 0;
}

/* The existing file: lines stripped on the left as cloud-init does, comments
 * and blank lines dropped (ConfigParser keeps neither), "key = value" or
 * "key: value" under [section]. */
static int ini_read(struct ini *ini, const char *text)
{
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL, *sec = NULL;
        int r;

        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *l = trim(line), *sep;

                if (!*l || *l == '#' || *l == ';')
                        continue;
                if (*l == '[') {
                        char *end = strchr(l, ']');
                        if (!end)
                                continue;
                        sec = ini_section(ini, l + 1, (size_t)(end - l - 1), true);
                        continue;
                }
                sep = strpbrk(l, "=:");
                if (!sec || !sep)
                        continue;
                *sep = '\0';
                r = ini_set(ini, sec, trim(l), trim(sep + 1));
                if (r < 0)
                        return r;
        }
        return 0;
}

static void ini_write(const struct ini *ini, struct buf *b)
{
        for (size_t s = 0; s < ini->n_sections; s++) {
                buf_printf(b, "[%s]\n", ini->sections[s]);
                for (size_t i = 0; i < ini->n; i++)
                        if (ini->lines[i].section == ini->sections[s])
                                buf_printf(b, "%s = %s\n", ini->lines[i].key,
                                           ini->lines[i].value);
                buf_putc(b, '\n');
        }
}

/* --- the module --------------------------------------------------------------- */

struct puppet {
        const struct module_ctx *ctx;
        struct sysconf_target t;
        bool aio;
        const char *bin;
        const char *user;
};

/* A path: the key's, else `puppet config print NAME`, else the package's. */
static char *config_path(struct puppet *p, const struct node *cfg, const char *key,
                         const char *setting, const char *def)
{
        const char *v = node_get_str(cfg, key);
        struct buf out = BUF_INIT(4096);
        char *const cmd[] = { (char *)p->bin, "config", "print", (char *)setting, NULL };
        char *res = NULL;

        if (v)
                return strdup(v);
        if (cm_run(&p->t, NULL, NULL, cmd, NULL, NULL, 0, 120, &out, NULL) >= 0 && out.data) {
                char *nl = strchr(out.data, '\n'), *l;

                if (nl)
                        *nl = '\0'; /* the first line is the value */
                l = trim(out.data);
                if (l[0] == '/' && !cm_check_path(l))
                        res = strdup(l);
        }
        buf_free(&out);
        if (!res) {
                log_info("puppet: `puppet config print %s` gave nothing: %s", setting, def);
                res = strdup(def);
        }
        return res;
}

static void subst_certname(struct puppet *p, const char *v, struct buf *b)
{
        _cleanup_free_ char *fqdn = NULL;

        if (fs_read_line(p->ctx->root_fd, "/etc/hostname", &fqdn) < 0 || !fqdn || !*fqdn) {
                char h[256] = "localhost";
                free(fqdn);
                (void)gethostname(h, sizeof(h) - 1);
                fqdn = strdup(h);
        }
        for (const char *c = v; *c; c++) {
                if (c[0] == '%' && c[1] == 'f') {
                        buf_puts(b, fqdn ? fqdn : "localhost");
                        c++;
                } else if (c[0] == '%' && c[1] == 'i') {
                        buf_puts(b, p->ctx->iid_raw);
                        c++;
                } else
                        buf_putc(b, *c);
        }
        for (size_t i = 0; b->data && i < b->len; i++)
                if (b->data[i] >= 'A' && b->data[i] <= 'Z')
                        b->data[i] = (char)(b->data[i] - 'A' + 'a');
}

static int owner(struct puppet *p, uid_t *uid, gid_t *gid)
{
        /* cloud-init's chownbyname(path, puppet_user, "root") */
        *gid = 0;
        if (passwd_user(p->ctx->root_fd, p->user, uid, NULL) < 0) {
                log_warning("puppet: no user %s in the target: ca_cert left to root", p->user);
                *uid = 0;
        }
        return 0;
}

static int write_ca(struct puppet *p, const char *ssl_dir, const char *pem)
{
        char certs[1100], ca[1200];
        uid_t uid;
        gid_t gid;
        int fd, r;

        (void)owner(p, &uid, &gid);
        (void)snprintf(certs, sizeof(certs), "%s/certs", ssl_dir);
        (void)snprintf(ca, sizeof(ca), "%s/ca.pem", certs);
        r = fs_mkdir_p(p->ctx->root_fd, certs, 0755);
        if (r < 0)
                return log_error_errno(r, "puppet: cannot create %s: %m", certs);
        /* cloud-init: ssl_dir 0771, both directories owned by the puppet user */
        fd = fs_open_nofollow(p->ctx->root_fd, ssl_dir, O_RDONLY | O_DIRECTORY, 0);
        if (fd >= 0) {
                (void)fchmod(fd, 0771);
                (void)fchown(fd, uid, gid);
                (void)close(fd);
        }
        fd = fs_open_nofollow(p->ctx->root_fd, certs, O_RDONLY | O_DIRECTORY, 0);
        if (fd >= 0) {
                (void)fchown(fd, uid, gid);
                (void)close(fd);
        }
        r = fs_write_atomic(p->ctx->root_fd, ca, pem, strlen(pem), 0644, uid, gid);
        if (r < 0)
                return log_error_errno(r, "puppet: cannot write %s: %m", ca);
        log_info("Wrote %s", ca);
        return 0;
}

static const char *scalar_text(const struct node *v, char *buf, size_t size)
{
        if (v->type == NODE_STR)
                return v->str;
        if (v->type == NODE_BOOL)
                return v->b ? "True" : "False"; /* Python's str(), as cloud-init writes */
        if (v->type == NODE_INT) {
                (void)snprintf(buf, size, "%lld", v->i);
                return buf;
        }
        if (v->type == NODE_FLOAT && v->str)
                return v->str;
        return NULL;
}

static int write_conf(struct puppet *p, const char *path, const struct node *conf)
{
        _cleanup_free_ char *old = NULL;
        struct ini *ini = calloc(1, sizeof(*ini));
        struct buf out = BUF_INIT(CONF_MAX);
        char oldpath[1100];
        int r = 0, bad = 0;

        if (!ini)
                return -ENOMEM;
        r = fs_read_regular(p->ctx->root_fd, path, CONF_MAX, &old, NULL);
        if (r < 0 && r != -ENOENT) {
                free(ini);
                return log_error_errno(r, "puppet: cannot read %s: %m", path);
        }
        r = 0; /* a missing file is an empty one (cloud-init stops there) */
        if (old)
                r = ini_read(ini, old);
        for (size_t i = 0; r >= 0 && i + 1 < conf->n; i += 2) {
                const char *sec = conf->items[i]->str;
                const struct node *opts = conf->items[i + 1];

                if (streq(sec, "ca_cert"))
                        continue;
                for (size_t j = 0; j + 1 < opts->n; j += 2) {
                        const struct node *k = opts->items[j], *v = opts->items[j + 1];
                        char num[32], key[300];
                        const char *text = scalar_text(v, num, sizeof(num));

                        (void)snprintf(key, sizeof(key), "puppet.conf.%s.%s", sec,
                                       k->str ? k->str : "?");
                        if (!k->str || !sysconf_word_ok(k->str, "_-.", 128)) {
                                cm_refuse(k, key, "is not a puppet setting name");
                                bad++;
                                continue;
                        }
                        if (!text || !sysconf_line_ok(text)) {
                                cm_refuse(v, key, "must be one line of text");
                                bad++;
                                continue;
                        }
                        if (streq(k->str, "certname")) {
                                struct buf cn = BUF_INIT(4096);
                                subst_certname(p, text, &cn);
                                r = buf_error(&cn) < 0 ? -E2BIG
                                                       : ini_set(ini, sec, k->str, cn.data ? cn.data : "");
                                buf_free(&cn);
                        } else
                                r = ini_set(ini, sec, k->str, text);
                        if (r < 0)
                                break;
                }
        }
        if (r >= 0) {
                ini_write(ini, &out);
                (void)snprintf(oldpath, sizeof(oldpath), "%s.old", path);
                if (old)
                        (void)fs_write_atomic(p->ctx->root_fd, oldpath, old, strlen(old), 0644,
                                              FS_NO_OWNER, (gid_t)-1);
                r = fs_write_buf(p->ctx->root_fd, path, &out, 0644, FS_NO_OWNER, (gid_t)-1);
        }
        buf_free(&out);
        ini_done(ini);
        free(ini);
        if (r < 0)
                return log_error_errno(r, "puppet: cannot write %s: %m", path);
        log_info("Wrote %s", path);
        return bad ? -EINVAL : 0;
}

static int install(struct puppet *p, const struct node *cfg)
{
        const char *version = node_get_str(cfg, "version"), *pkg = node_get_str(cfg, "package_name");
        char spec[300];

        if (p->aio) {
                const char *url = node_get_str(cfg, "aio_install_url");
                const char *coll = node_get_str(cfg, "collection");
                struct cm_argv args = { .n = 0 };
                int r;

                if (version) {
                        cm_add(&args, "-v");
                        cm_add(&args, version);
                }
                if (coll) {
                        cm_add(&args, "-c");
                        cm_add(&args, coll);
                }
                if (node_get_bool(cfg, "cleanup", true))
                        cm_add(&args, "--cleanup");
                r = args.failed ? -E2BIG
                                : cm_fetch_run(&p->t, p->ctx->root_fd, url ? url : AIO_INSTALL_URL,
                                               "puppet-install", 5, args.v);
                cm_argv_done(&args);
                return r;
        }
        if (pkg) {
                const char *pkgs[] = { spec };
                (void)snprintf(spec, sizeof(spec), version ? "%s=%s" : "%s", pkg, version);
                return sysconf_install(&p->t, p->ctx->root_fd, pkgs, 1);
        }
        for (size_t i = 0; i < 2; i++) {
                const char *names[] = { "puppet-agent", "puppet" };
                const char *pkgs[] = { spec };
                (void)snprintf(spec, sizeof(spec), version ? "%s=%s" : "%s", names[i], version);
                if (sysconf_install(&p->t, p->ctx->root_fd, pkgs, 1) >= 0)
                        return 0;
        }
        log_warning("No installable puppet package in any of: puppet-agent, puppet");
        return 0;
}

static void services(struct puppet *p, const char *action)
{
        /* cloud-init: the first of puppet-agent.service, puppet.service that works */
        if (sysconf_service(&p->t, p->ctx->root_fd, "puppet-agent.service", action) >= 0)
                return;
        if (sysconf_service(&p->t, p->ctx->root_fd, "puppet.service", action) >= 0)
                return;
        log_warning("Could not '%s' any of the following services: puppet-agent, puppet",
                    action ? action : "enable");
}

static int run(const struct module_ctx *ctx)
{
        const struct node *cfg = node_get(ctx->cfg, "puppet");
        struct puppet p = { .ctx = ctx, .t = { .chroot = ctx->root, .is_host = ctx->root_is_host } };
        const struct node *conf, *csr;
        _cleanup_free_ char *conf_path = NULL, *ssl_dir = NULL, *csr_path = NULL;
        const char *type;
        bool run_agent, start;
        int r, failed = 0;

        if (!cfg || cfg->type != NODE_MAP) {
                log_debug("Skipping module named puppet, no 'puppet' configuration found");
                return 0;
        }
        type = node_get_str(cfg, "install_type");
        p.aio = type && streq(type, "aio");
        p.bin = p.aio ? "/opt/puppetlabs/bin/puppet" : "puppet";
        p.user = p.aio ? "root" : "puppet";
        run_agent = node_get_bool(cfg, "exec", false);
        start = node_get_bool(cfg, "start_service", true);

        if (!node_get_bool(cfg, "install", true)) {
                if (node_get_str(cfg, "version"))
                        log_warning("Puppet install set to false but version supplied, doing "
                                    "nothing.");
        } else {
                r = install(&p, cfg);
                if (r < 0)
                        return log_error_errno(r, "puppet: installing puppet failed: %m");
        }

        conf_path = config_path(&p, cfg, "conf_file", "config",
                                p.aio ? "/etc/puppetlabs/puppet/puppet.conf" : "/etc/puppet/puppet.conf");
        ssl_dir = config_path(&p, cfg, "ssl_dir", "ssldir",
                              p.aio ? "/etc/puppetlabs/puppet/ssl" : "/var/lib/puppet/ssl");
        csr_path = config_path(&p, cfg, "csr_attributes_path", "csr_attributes",
                               p.aio ? "/etc/puppetlabs/puppet/csr_attributes.yaml"
                                     : "/etc/puppet/csr_attributes.yaml");
        if (!conf_path || !ssl_dir || !csr_path)
                return -ENOMEM;

        conf = node_get(cfg, "conf");
        if (conf && conf->type == NODE_MAP) {
                const char *pem = node_get_str(conf, "ca_cert");
                if (pem && write_ca(&p, ssl_dir, pem) < 0)
                        failed++;
                if (write_conf(&p, conf_path, conf) < 0)
                        failed++;
        }
        csr = node_get(cfg, "csr_attributes");
        if (csr && csr->type == NODE_MAP) {
                r = cm_write_yaml(ctx->root_fd, csr_path, csr, 0644);
                if (r < 0) {
                        log_error_errno(r, "puppet: cannot write %s: %m", csr_path);
                        failed++;
                } else
                        log_info("Wrote %s", csr_path);
        }
        if (start)
                services(&p, NULL);
        if (run_agent) {
                const struct node *args = node_get(cfg, "exec_args");
                struct cm_argv cmd = { .n = 0 };

                cm_add(&cmd, p.bin);
                cm_add(&cmd, "agent");
                if (args && args->type == NODE_SEQ) {
                        for (size_t i = 0; i < args->n; i++)
                                cm_add(&cmd, args->items[i]->str);
                } else if (args && args->type == NODE_STR) {
                        /* cloud-init splits a string on white space */
                        _cleanup_free_ char *copy = strdup(args->str);
                        char *save = NULL;
                        for (char *w = copy ? strtok_r(copy, " \t", &save) : NULL; w;
                             w = strtok_r(NULL, " \t", &save))
                                cm_add(&cmd, w);
                } else
                        cm_add(&cmd, "--test");
                log_info("Running puppet-agent");
                r = cmd.failed ? -E2BIG
                               : cm_run(&p.t, NULL, NULL, cmd.v, NULL, NULL, 0, 3600, NULL, NULL);
                cm_argv_done(&cmd);
                if (r < 0) {
                        log_error_errno(r, "puppet: puppet agent failed: %m");
                        failed++;
                }
        }
        if (start)
                services(&p, "start");
        return failed ? -EPROTO : 0;
}

const struct module mod_puppet = {
        .name = "puppet",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_puppet = {
        .module = &mod_puppet,
        .stage = "final",
        .description = "Install, configure and start puppet",
        .timeout_sec = 7200,
};

EXTMOD_MAIN(ext_puppet)
