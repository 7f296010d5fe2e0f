/* SPDX-License-Identifier: Apache-2.0 */
/* ca_certs (init stage, per instance): cloud-init's cc_ca_certs, for
 * `ca_certs` and the old `ca-certs`. remove_defaults (or remove-defaults)
 * deselects every certificate of /etc/ca-certificates.conf with a '!' and
 * tells debconf not to trust new ones (Debian, Ubuntu, Alpine), or empties
 * the trust directories (RHEL family, Photon); each `trusted` certificate is
 * written to the distribution's anchor directory as cloud-init names it
 * (/usr/local/share/ca-certificates/cloud-init-ca-cert-N.crt on Debian, 0644),
 * then update-ca-certificates (or update-ca-trust...) runs in the target.
 * A certificate that is not PEM (BEGIN/END CERTIFICATE around base64 of a
 * DER sequence) is refused with its position; the others still apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define CERT_MAX (1u << 20)
#define HEADER_COMMENT "# Modified by cloud-init to deselect certs due to user-data"

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_str = { .types = T_STR };
static const struct schema s_certs = { .types = T_SEQ, .items = &s_str };
static const struct schema_prop ca_props[] = { { "remove_defaults", &s_bool, false },
                                               { "remove-defaults", &s_bool, false },
                                               { "trusted", &s_certs, false },
                                               { NULL, NULL, false } };
static const struct schema s_ca = { .types = T_MAP, .props = ca_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "ca_certs", &s_ca, false },
                                                  { "ca-certs", &s_ca, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "ca_certs", "ca-certs", NULL };

struct ca_distro {
        const char *family;
        const char *cert_path; /* NULL: none to empty */
        const char *local_path;
        const char *filename; /* %u: the index */
        const char *config; /* NULL: none */
        const char *update;
        bool disable; /* remove_defaults deselects in config (else empties dirs) */
};

static const struct ca_distro distros[] = {
        { "debian", NULL, "/usr/local/share/ca-certificates/", "cloud-init-ca-cert-%u.crt",
          "/etc/ca-certificates.conf", "update-ca-certificates", true },
        { "rhel", "/etc/pki/ca-trust/", "/usr/share/pki/ca-trust-source/",
          "anchors/cloud-init-ca-cert-%u.crt", NULL, "update-ca-trust", false },
        { "opensuse", "/etc/pki/trust/", "/usr/share/pki/trust/",
          "anchors/cloud-init-ca-cert-%u.crt", NULL, "update-ca-certificates", false },
        { "photon", "/etc/pki/tls/certs/", "/etc/ssl/certs/", "cloud-init-ca-cert-%u.pem", NULL,
          "rehash_ca_certificates.sh", false },
};

static const struct ca_distro *pick(const char *distro)
{
        static const char *const rhel[] = { "rhel",       "almalinux", "amazon", "centos",
                                            "cloudlinux", "fedora",    "rocky",  NULL };
        static const char *const suse[] = { "opensuse",
                                            "opensuse-microos",
                                            "opensuse-tumbleweed",
                                            "opensuse-leap",
                                            "sle_hpc",
                                            "sle-micro",
                                            "sles",
                                            NULL };
        if (!distro)
                return &distros[0];
        for (const char *const *d = rhel; *d; d++)
                if (streq(distro, *d))
                        return &distros[1];
        for (const char *const *d = suse; *d; d++)
                if (streq(distro, *d))
                        return &distros[2];
        if (streq(distro, "photon"))
                return &distros[3];
        return &distros[0];
}

/* One or more PEM certificates and nothing else but blank lines. */
static bool pem_ok(const char *s)
{
        static const char begin[] = "-----BEGIN CERTIFICATE-----",
                          end[] = "-----END CERTIFICATE-----";
        size_t n = 0;

        if (!sysconf_text_ok(s))
                return false;
        for (;;) {
                const char *b, *e;
                _cleanup_free_ char *der = NULL;
                size_t len = 0;
                s += strspn(s, " \t\n");
                if (!*s)
                        return n > 0;
                if (!startswith(s, begin))
                        return false;
                b = s + sizeof(begin) - 1;
                e = strstr(b, end);
                if (!e || b64_decode(b, (size_t)(e - b), CERT_MAX, &der, &len) < 0 || len < 16 ||
                    (unsigned char)der[0] != 0x30)
                        return false;
                s = e + sizeof(end) - 1;
                n++;
        }
}

static int disable_system_certs(int root_fd, const char *conf)
{
        _cleanup_free_ char *data = NULL;
        struct buf out = BUF_INIT(4u << 20);
        bool header = false;
        size_t len = 0;
        int r = 0;

        if (!conf || fs_read_file(root_fd, conf, 4u << 20, &data, &len) < 0 || len == 0)
                return 0;
        for (char *l = data; l && *l && r >= 0;) {
                char *eol = strchr(l, '\n');
                if (eol)
                        *eol = '\0';
                if (streq(l, HEADER_COMMENT)) {
                        header = true;
                        r = buf_printf(&out, "%s\n", l);
                } else if (!*l || *l == '#' || *l == '!')
                        r = buf_printf(&out, "%s\n", l);
                else {
                        if (!header)
                                r = buf_puts(&out, HEADER_COMMENT "\n");
                        header = true;
                        if (r >= 0)
                                r = buf_printf(&out, "!%s\n", l);
                }
                l = eol ? eol + 1 : NULL;
        }
        if (r >= 0)
                r = fs_write_atomic(root_fd, conf, out.data ? out.data : "\n",
                                    out.len ? out.len : 1, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&out);
        return r;
}

static int ca_certs_run(const struct module_ctx *ctx)
{
        const struct node *ca = node_get(ctx->cfg, "ca_certs"), *trusted;
        const char *distro = node_get_str(node_get(ctx->cfg, "system_info"), "distro");
        struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct ca_distro *d = pick(distro);
        unsigned idx = 0;
        int r = 0, k;

        if (ca && node_get(ctx->cfg, "ca-certs"))
                log_warning("Found both ca-certs (deprecated) and ca_certs config keys. Ignoring "
                            "ca-certs.");
        if (!ca)
                ca = node_get(ctx->cfg, "ca-certs");
        if (!ca || ca->type != NODE_MAP)
                return 0;

        if (node_get_bool(ca, "remove_defaults", node_get_bool(ca, "remove-defaults", false))) {
                log_info("Disabling/removing default certificates");
                if (d->disable) {
                        const char *argv[] = { "debconf-set-selections", "-", NULL };
                        static const char sel[] =
                                "ca-certificates ca-certificates/trust_new_crts select no";
                        k = disable_system_certs(ctx->root_fd, d->config);
                        if (k < 0)
                                r = log_error_errno(k, "Cannot write %s: %m", d->config);
                        if (!distro || !streq(distro, "alpine")) {
                                k = sysconf_run(&t, argv, NULL, sel, sizeof(sel) - 1, 120, NULL);
                                if (k < 0)
                                        r = log_error_errno(k, "debconf-set-selections failed");
                        }
                } else if (d->cert_path) {
                        k = fs_rm_rf(ctx->root_fd, d->cert_path, true);
                        if (k >= 0)
                                k = fs_rm_rf(ctx->root_fd, d->local_path, true);
                        if (k < 0)
                                r = log_error_errno(k, "Cannot empty %s: %m", d->cert_path);
                }
        }
        trusted = node_get(ca, "trusted");
        for (size_t i = 0; trusted && trusted->type == NODE_SEQ && i < trusted->n; i++) {
                const struct node *c = trusted->items[i];
                char path[512], name[128];
                idx++; /* cloud-init numbers every entry, from 1 */
                if (!node_str(c) || !pem_ok(c->str)) {
                        sysconf_refuse(
                                c, "ca_certs.trusted",
                                "not a PEM certificate (BEGIN/END CERTIFICATE around base64)");
                        r = -EINVAL;
                        continue;
                }
                (void)snprintf(name, sizeof(name), d->filename, idx);
                (void)snprintf(path, sizeof(path), "%s%s", d->local_path, name);
                k = fs_write_atomic(ctx->root_fd, path, c->str, c->len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
                if (k < 0)
                        r = log_error_errno(k, "Cannot write %s: %m", path);
                else
                        log_info("Added CA certificate %s", path);
        }
        {
                const char *argv[] = { d->update, NULL };
                k = sysconf_run(&t, argv, NULL, NULL, 0, 600, NULL);
                if (k < 0)
                        r = log_error_errno(k, "%s failed", d->update);
        }
        return r;
}

const struct module mod_ca_certs = {
        .name = "ca_certs",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = ca_certs_run,
};
