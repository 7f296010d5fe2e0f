/* SPDX-License-Identifier: Apache-2.0 */
/* landscape (external module), cloud-init's cc_landscape: install
 * landscape-client and register it with `landscape-config --silent` and one
 * `--KEY VALUE` pair per setting of the [client] section, sorted by key
 * (`_` in a key becomes `-`), where the settings are landscape-client's
 * defaults, then the target's /etc/landscape/client.conf, then
 * `landscape.client`, merged as cloud-init's ConfigObj merge does. A client
 * that `landscape-config --silent --is-registered` says is registered
 * (exit 0; 5 means not) is left as it is, with cloud-init's warning. The
 * registration key is never logged. Ubuntu only in cloud-init: elsewhere
 * cloudboot reports the key at its position and does not run it. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "configobj.h"
#include "extmod.h"

#define CLIENT_CONF "/etc/landscape/client.conf"
#define MAX_SETTINGS 128

static const char *const levels[] = { "debug", "info", "warning", "error", "critical", NULL };
static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_secret = { .types = T_STR, .check = cm_check_arg, .secret = true };
static const struct schema s_level = { .types = T_STR, .enums = levels };
static const struct schema_prop client_props[] = {
        { "url", &s_str, false },           { "ping_url", &s_str, false },
        { "data_path", &s_str, false },     { "log_level", &s_level, false },
        { "computer_title", &s_str, false }, { "account_name", &s_str, false },
        { "registration_key", &s_secret, false }, { "tags", &s_str, false },
        { "http_proxy", &s_str, false },    { "https_proxy", &s_str, false },
        { NULL, NULL, false },
};
/* other settings are allowed (cloud-init's additionalProperties) */
static const struct schema s_client = { .types = T_MAP, .props = client_props };
static const struct schema_prop ls_props[] = {
        { "client", &s_client, true },
        { NULL, NULL, false },
};
static const struct schema s_ls = { .types = T_MAP, .props = ls_props, .closed = true };
static const struct schema_prop keys[] = {
        { "landscape", &s_ls, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "landscape", NULL };

/* landscape-client 11.07's stock client.conf, as cloud-init's LSC_BUILTIN_CFG */
static const char *const defaults[][2] = {
        { "log_level", "info" },
        { "url", "https://landscape.canonical.com/message-system" },
        { "ping_url", "http://landscape.canonical.com/ping" },
        { "data_path", "/var/lib/landscape/client" },
};

struct setting {
        char *key;
        char *value;
};

static int setting_cmp(const void *a, const void *b)
{
        return strcmp(((const struct setting *)a)->key, ((const struct setting *)b)->key);
}

static int put(struct setting *s, size_t *n, const char *key, const char *value)
{
        for (size_t i = 0; i < *n; i++)
                if (streq(s[i].key, key)) {
                        char *v = strdup(value);
                        if (!v)
                                return -ENOMEM;
                        free(s[i].value);
                        s[i].value = v;
                        return 0;
                }
        if (*n >= MAX_SETTINGS)
                return -E2BIG;
        s[*n].key = strdup(key);
        s[*n].value = strdup(value);
        if (!s[*n].key || !s[*n].value)
                return -ENOMEM;
        (*n)++;
        return 0;
}

static void settings_free(struct setting *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(s[i].key);
                if (s[i].value)
                        explicit_bzero(s[i].value, strlen(s[i].value));
                free(s[i].value);
        }
}

/* Every user setting checked before anything runs. */
static bool client_ok(const struct node *client)
{
        bool ok = true;

        for (size_t i = 0; i + 1 < client->n; i += 2) {
                const struct node *k = client->items[i], *v = client->items[i + 1];
                const char *key = node_str(k), *why;

                if (!key || !sysconf_word_ok(key, "_-", 64) || key[0] == '-') {
                        cm_refuse(k, "landscape.client", "holds a key that is not a setting name");
                        ok = false;
                } else if (v->type == NODE_MAP || v->type == NODE_SEQ) {
                        cm_refuse(v, "landscape.client", "a setting must be a scalar");
                        ok = false;
                } else if (v->str && (why = cm_check_arg(v->str))) {
                        cm_refuse(v, "landscape.client", why);
                        ok = false;
                }
        }
        return ok;
}

static int registered(const struct sysconf_target *t, bool *ret)
{
        const char *argv[] = { "landscape-config", "--silent", "--is-registered", NULL };
        int status = 0, r;

        r = sysconf_run(t, argv, NULL, NULL, 0, 300, &status);
        if (r < 0 && r != -EPROTO)
                return r;
        if (status == 0) {
                *ret = true;
                return 0;
        }
        if (status == 5) {
                *ret = false;
                return 0;
        }
        return -EPROTO;
}

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *ls = node_get(ctx->cfg, "landscape");
        const struct node *client = node_get(ls, "client");
        struct setting s[MAX_SETTINGS];
        struct cm_argv a = { .n = 0 };
        _cleanup_free_ char *conf = NULL;
        const char *pkgs[] = { "landscape-client" };
        size_t n = 0;
        bool reg = false;
        int r = 0;

        if (!ls || ls->type != NODE_MAP || ls->n == 0)
                return 0;
        if (!client || client->type != NODE_MAP)
                return log_error_errno(-EINVAL, "landscape: 'landscape.client' is missing");
        if (!client_ok(client))
                return log_error_errno(-EINVAL, "landscape: configuration refused; not "
                                                "registered");
        r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
        if (r < 0)
                return log_error_errno(r, "landscape: cannot install landscape-client: %m");

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(defaults); i++)
                r = put(s, &n, defaults[i][0], defaults[i][1]);
        if (r >= 0 && fs_read_file(ctx->root_fd, CLIENT_CONF, 1u << 20, &conf, NULL) >= 0) {
                struct cobj *c = calloc(1, sizeof(*c));
                r = c ? cobj_read(c, conf) : -ENOMEM;
                for (size_t i = 0; r >= 0 && i < c->n; i++)
                        if (c->l[i].key && streq(c->l[i].section, "client"))
                                r = put(s, &n, c->l[i].key, c->l[i].value);
                if (c)
                        cobj_done(c);
                free(c);
        }
        for (size_t i = 0; r >= 0 && i + 1 < client->n; i += 2) {
                char text[128];
                r = put(s, &n, node_str(client->items[i]),
                        cobj_scalar(client->items[i + 1], text, sizeof(text)));
        }
        if (r < 0) {
                settings_free(s, n);
                return log_error_errno(r, "landscape: cannot merge the settings: %m");
        }
        qsort(s, n, sizeof(s[0]), setting_cmp);
        cm_add(&a, "landscape-config");
        cm_add(&a, "--silent");
        for (size_t i = 0; i < n; i++) {
                char opt[80];
                (void)snprintf(opt, sizeof(opt), "--%s", s[i].key);
                for (char *p = opt; *p; p++)
                        if (*p == '_')
                                *p = '-';
                cm_add(&a, opt);
                cm_add(&a, s[i].value);
        }
        r = registered(&t, &reg);
        if (r >= 0 && reg)
                log_warning("Client already registered to Landscape");
        else if (r >= 0) {
                log_info("Registering with Landscape (landscape-config --silent and %zu "
                         "settings)",
                         n);
                r = a.failed ? -E2BIG
                             : sysconf_run(&t, (const char *const *)a.v, NULL, NULL, 0, 600, NULL);
        }
        for (size_t i = 0; i < a.n; i++)
                explicit_bzero(a.v[i], strlen(a.v[i]));
        cm_argv_done(&a);
        settings_free(s, n);
        if (r < 0)
                return log_error_errno(r, "landscape: Failure registering client: %m");
        return 0;
}

const struct module mod_landscape = {
        .name = "landscape",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_landscape = {
        .module = &mod_landscape,
        .stage = "final",
        .description = "Install and register landscape-client",
};

EXTMOD_MAIN(ext_landscape)
