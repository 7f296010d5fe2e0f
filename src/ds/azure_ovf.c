/* SPDX-License-Identifier: Apache-2.0 */
/* ovf-env.xml (see azure_ovf.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "azure_ovf.h"
#include "buf.h"
#include "codec.h"
#include "json.h"
#include "macro.h"
#include "pwhash.h"
#include "valid.h"

/* cloud-init stores ovf-env.xml with the password replaced by this; a
 * password that says so is no password */
#define PASSWORD_REDACTED "REDACTED"

void azure_ovf_done(struct azure_ovf *o)
{
        free(o->hostname);
        free(o->username);
        if (o->password)
                free_secret(o->password, strlen(o->password));
        free_secret(o->custom_data, o->custom_data_len);
        for (size_t i = 0; i < o->nkeys; i++)
                free(o->keys[i]);
        *o = (struct azure_ovf){ .disable_ssh_pwauth = -1 };
}

static int why(char *ret, size_t size, const struct xml_elem *at, const char *fmt, const char *what)
{
        char msg[200];
        (void)snprintf(msg, sizeof(msg), fmt, what);
        if (at)
                (void)snprintf(ret, size, "%u:%u: %s", at->line, at->col, msg);
        else
                (void)snprintf(ret, size, "%s", msg);
        return -EBADMSG;
}

/* The one child wa:name of parent: NULL when absent (-ENOENT when required),
 * -EBADMSG when there are several. */
static int find(const struct xml_elem *parent, const char *name, bool required,
                const struct xml_elem **ret, char *ret_why, size_t why_size)
{
        size_t n;
        const struct xml_elem *e = xml_child(parent, AZURE_NS, name, &n);

        *ret = e;
        if (n > 1)
                return why(ret_why, why_size, xml_next_same(e),
                           "multiple configuration matches for '%s'", name);
        if (!e && required)
                return why(ret_why, why_size, parent, "missing configuration for '%s'", name);
        return 0;
}

/* The text of wa:name, trimmed of surrounding white space, or NULL (also for
 * an empty element, as ElementTree gives None). */
static int prop(const struct xml_elem *parent, const char *name, bool required, char **ret,
                char *ret_why, size_t why_size)
{
        const struct xml_elem *e;
        int r = find(parent, name, required, &e, ret_why, why_size);

        *ret = NULL;
        if (r < 0 || !e || e->text_len == 0)
                return r;
        if (strlen(e->text) != e->text_len)
                return why(ret_why, why_size, e, "'%s' holds a NUL character", name);
        *ret = strdup(e->text);
        return *ret ? 0 : -ENOMEM;
}

static void trim(char *s)
{
        size_t n = strlen(s), k = strspn(s, " \t\r\n");
        while (n > k && strchr(" \t\r\n", s[n - 1]))
                n--;
        memmove(s, s + k, n - k);
        s[n - k] = 0;
}

/* cloud-init's translate_bool over a text: true, 1, on, yes (any case) */
static bool is_true(char *s)
{
        if (!s)
                return false;
        trim(s);
        return !strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "on") ||
               !strcasecmp(s, "yes");
}

static int parse_keys(const struct xml_elem *set, struct azure_ovf *o, char *ret_why,
                      size_t why_size)
{
        const struct xml_elem *ssh, *keys;
        int r = find(set, "SSH", false, &ssh, ret_why, why_size);

        if (r >= 0 && ssh)
                r = find(ssh, "PublicKeys", false, &keys, ret_why, why_size);
        if (r < 0 || !ssh || !keys)
                return r;
        for (const struct xml_elem *k = xml_child(keys, AZURE_NS, "PublicKey", NULL); k;
             k = xml_next_same(k)) {
                _cleanup_free_ char *value = NULL, *fp = NULL, *path = NULL;
                r = prop(k, "Value", false, &value, ret_why, why_size);
                if (r >= 0)
                        r = prop(k, "Fingerprint", false, &fp, ret_why, why_size);
                if (r >= 0)
                        r = prop(k, "Path", false, &path, ret_why, why_size);
                if (r < 0)
                        return r;
                /* A key given by fingerprint only is in the wireserver's
                 * certificates bundle, which cloudboot does not fetch: left
                 * out, and the caller says so. */
                if (!value)
                        continue;
                trim(value);
                if (!value[0] || valid_line(value, 16384) || o->nkeys >= AZURE_OVF_KEYS_MAX)
                        continue;
                o->keys[o->nkeys++] = TAKE_PTR(value);
        }
        return 0;
}

static int parse_set(const struct xml_elem *set, size_t ud_max, struct azure_ovf *o,
                     char *ret_why, size_t why_size)
{
        _cleanup_free_ char *cd = NULL, *dis = NULL;
        const struct xml_elem *pw;
        int r;

        r = prop(set, "CustomData", false, &cd, ret_why, why_size);
        if (r >= 0 && cd &&
            b64_decode(cd, strlen(cd), ud_max, &o->custom_data, &o->custom_data_len) < 0)
                r = why(ret_why, why_size, xml_child(set, AZURE_NS, "CustomData", NULL),
                        "'%s' is not base64 or is too large", "CustomData");
        if (r >= 0)
                r = prop(set, "UserName", false, &o->username, ret_why, why_size);
        if (r >= 0)
                r = prop(set, "UserPassword", false, &o->password, ret_why, why_size);
        if (r >= 0 && o->password && strlen(o->password) > AZURE_PASSWORD_MAX) {
                pw = xml_child(set, AZURE_NS, "UserPassword", NULL);
                (void)snprintf(ret_why, why_size,
                               "%u:%u: the user password is longer than %d characters",
                               pw->line, pw->col, AZURE_PASSWORD_MAX);
                r = -EBADMSG;
        }
        if (r >= 0)
                r = prop(set, "HostName", true, &o->hostname, ret_why, why_size);
        if (r >= 0 && !o->hostname)
                r = why(ret_why, why_size, set, "'%s' is empty", "HostName");
        if (r >= 0)
                r = prop(set, "DisableSshPasswordAuthentication", false, &dis, ret_why, why_size);
        if (r >= 0 && xml_child(set, AZURE_NS, "DisableSshPasswordAuthentication", NULL))
                o->disable_ssh_pwauth = is_true(dis);
        if (r >= 0)
                r = parse_keys(set, o, ret_why, why_size);
        return r;
}

int azure_ovf_parse(const char *data, size_t len, size_t ud_max, struct azure_ovf *ret,
                    char *ret_why, size_t why_size)
{
        _cleanup_xml_ struct xml_elem *root = NULL;
        struct azure_ovf o = { .disable_ssh_pwauth = -1 };
        const struct xml_elem *prov, *set, *plat_sec, *plat;
        _cleanup_free_ char *pre = NULL;
        struct xml_error err;
        int r;

        ret_why[0] = 0;
        r = xml_parse(data, len, &root, &err);
        if (r < 0) {
                if (err.line)
                        (void)snprintf(ret_why, why_size, "%u:%u: %s", err.line, err.col,
                                       err.msg);
                else
                        (void)snprintf(ret_why, why_size, "%s", err.msg);
                return r;
        }
        if (!xml_child(root, AZURE_NS, "ProvisioningSection", NULL)) {
                (void)snprintf(ret_why, why_size, "no ProvisioningSection: not Azure's");
                return -ENOENT;
        }
        r = find(root, "ProvisioningSection", true, &prov, ret_why, why_size);
        if (r >= 0)
                r = find(prov, "LinuxProvisioningConfigurationSet", true, &set, ret_why, why_size);
        if (r >= 0)
                r = parse_set(set, ud_max, &o, ret_why, why_size);
        if (r >= 0)
                r = find(root, "PlatformSettingsSection", true, &plat_sec, ret_why, why_size);
        if (r >= 0)
                r = find(plat_sec, "PlatformSettings", true, &plat, ret_why, why_size);
        if (r >= 0)
                r = prop(plat, "PreprovisionedVm", false, &pre, ret_why, why_size);
        if (r < 0) {
                azure_ovf_done(&o);
                return r;
        }
        trim(o.hostname);
        if (o.username)
                trim(o.username);
        o.preprovisioned = is_true(pre);
        *ret = o;
        return 0;
}

int azure_ovf_config(const struct azure_ovf *o, char **ret, size_t *ret_len)
{
        _cleanup_node_ struct node *cfg = node_new(NODE_MAP), *user = node_new(NODE_MAP);
        struct buf b = BUF_INIT(64 * 1024);
        int r = cfg && user ? 0 : -ENOMEM;

        *ret = NULL;
        *ret_len = 0;
        if (r >= 0 && o->disable_ssh_pwauth >= 0)
                r = node_set(cfg, "ssh_pwauth", node_new_bool(!o->disable_ssh_pwauth));
        else if (r >= 0 && o->password)
                r = node_set(cfg, "ssh_pwauth", node_new_bool(true));
        if (r >= 0 && o->username)
                r = node_set(user, "name", node_new_str(o->username));
        if (r >= 0 && o->password) {
                r = node_set(user, "lock_passwd", node_new_bool(false));
                if (r >= 0 && !streq(o->password, PASSWORD_REDACTED)) {
                        _cleanup_free_ char *h = NULL;
                        r = password_hash("$6$", o->password, &h);
                        if (r >= 0)
                                r = node_set(user, "hashed_passwd", node_new_str(h));
                }
        }
        if (r >= 0 && user->n > 0) {
                struct node *si = node_new(NODE_MAP);
                if (!si)
                        return -ENOMEM;
                r = node_set(si, "default_user", TAKE_PTR(user));
                if (r >= 0)
                        r = node_set(cfg, "system_info", si);
                else
                        node_free(si);
        }
        if (r < 0 || cfg->n == 0)
                return r;
        r = buf_puts(&b, "#cloud-config\n");
        if (r >= 0)
                r = json_write(&b, cfg, 2);
        if (r >= 0)
                r = buf_putc(&b, '\n');
        if (r < 0) {
                buf_free_secret(&b); /* a password hash */
                return r;
        }
        *ret = buf_steal(&b, ret_len);
        return 0;
}
