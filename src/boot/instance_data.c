/* SPDX-License-Identifier: Apache-2.0 */
/* instance-data.json and its sensitive twin (see instance_data.h). */
#include <arpa/inet.h>
#include <gnu/libc-version.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "codec.h"
#include "fs.h"
#include "instance_data.h"
#include "json.h"
#include "log.h"
#include "model.h"
#include "state.h"
#include "syscfg.h"
#include "utf8.h"

#define PATH_MAX_LEN 1024

/* cloud-init's DataSource.sensitive_metadata_keys (25.1): names or paths,
 * with their lengths (every key of the instance data is asked, merged_cfg's
 * and merged_system_cfg's too: the length rules out most at once). */
/* clang-format off */
#define SENSITIVE(s) { s, sizeof(s) - 1 }
/* clang-format on */
static const struct {
        const char *name;
        size_t len;
} ci_sensitive[] = {
        SENSITIVE("combined_cloud_config"),
        SENSITIVE("merged_cfg"),
        SENSITIVE("merged_system_cfg"),
        SENSITIVE("security-credentials"),
        SENSITIVE("userdata"),
        SENSITIVE("user-data"),
        SENSITIVE("user_data"),
        SENSITIVE("vendordata"),
        SENSITIVE("vendor-data"),
        SENSITIVE("ds/vendor_data"),
};
#undef SENSITIVE

bool instance_data_key_is_sensitive(const char *name, const char *path)
{
        size_t nl = strlen(name), pl = strlen(path);

        for (size_t i = 0; i < ELEMENTSOF(ci_sensitive); i++)
                if ((nl == ci_sensitive[i].len && strcasecmp(name, ci_sensitive[i].name) == 0) ||
                    (pl == ci_sensitive[i].len && strcasecmp(path, ci_sensitive[i].name) == 0))
                        return true;
        /* beyond cloud-init: OpenStack's admin_pass and meta values, and any
         * meta-data key whose name says it holds a secret */
        if (strcasecmp(name, "admin_pass") == 0)
                return true;
        if (!startswith(path, "ds/"))
                return false;
        return strcasestr(name, "password") || strcasestr(name, "passwd") ||
               strcasestr(name, "secret") || strcasestr(name, "token");
}

const char *instance_data_cloud_id(const char *cloud_name, const char *region, const char *platform)
{
        static const struct {
                const char *prefix, *cloud_id, *cloud;
        } by_region[] = {
                { "cn-", "aws-china", "aws" },
                { "us-gov-", "aws-gov", "aws" },
                { "china", "azure-china", "azure" },
        };
        bool name_known = cloud_name && *cloud_name && !streq(cloud_name, "unknown");

        if (region && *region && !streq(region, "unknown"))
                for (size_t i = 0; i < ELEMENTSOF(by_region); i++)
                        if (startswith(region, by_region[i].prefix) &&
                            streq_ptr(cloud_name, by_region[i].cloud))
                                return by_region[i].cloud_id;
        return name_known ? cloud_name : platform;
}

static int set(struct node *map, const char *key, struct node *value)
{
        return node_set(map, key, value);
}

static int set_str(struct node *map, const char *key, const char *value)
{
        return set(map, key, value ? node_new_str(value) : node_new(NODE_NULL));
}

/* /etc/os-release of the target: ID, VERSION_ID, VERSION_CODENAME (cloud-init's
 * get_linux_distro()). */
struct os_release {
        char id[64], version_id[64], codename[64];
};

static void os_release_value(const char *data, const char *key, char *out, size_t size)
{
        size_t kl = strlen(key);

        out[0] = '\0';
        for (const char *p = data; p && *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
                        const char *v = p + kl + 1;
                        size_t vl = len - kl - 1;
                        if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
                                v++;
                                vl -= 2;
                        }
                        if (vl >= size)
                                vl = size - 1;
                        memcpy(out, v, vl);
                        out[vl] = '\0';
                }
                p = nl ? nl + 1 : NULL;
        }
}

static void os_release_read(int root_fd, struct os_release *ret)
{
        _cleanup_free_ char *data = NULL;
        size_t len;

        memset(ret, 0, sizeof(*ret));
        if (fs_read_file(root_fd, "/etc/os-release", 64 * 1024, &data, &len) < 0 &&
            fs_read_file(root_fd, "/usr/lib/os-release", 64 * 1024, &data, &len) < 0)
                return;
        os_release_value(data, "ID", ret->id, sizeof(ret->id));
        os_release_value(data, "VERSION_ID", ret->version_id, sizeof(ret->version_id));
        os_release_value(data, "VERSION_CODENAME", ret->codename, sizeof(ret->codename));
}

/* cloud-init's util._get_variant() for the distros it names. */
static const char *variant_of(const char *id)
{
        static const char *const same[] = {
                "almalinux", "alpine",          "aosc",      "arch",        "azurelinux",
                "centos",    "cloudlinux",      "debian",    "eurolinux",   "fedora",
                "mariner",   "miraclelinux",    "openeuler", "opencloudos", "openmandriva",
                "photon",    "raspberry-pi-os", "rhel",      "rocky",       "suse",
                "tencentos", "virtuozzo"
        };
        for (size_t i = 0; i < ELEMENTSOF(same); i++)
                if (streq(id, same[i]))
                        return same[i];
        if (streq(id, "ubuntu") || streq(id, "linuxmint") || streq(id, "mint"))
                return "ubuntu";
        if (streq(id, "redhat"))
                return "rhel";
        if (startswith(id, "opensuse") || startswith(id, "sle"))
                return "suse";
        return "unknown";
}

static struct node *str_list(const char *const *items, size_t n)
{
        struct node *l = node_new(NODE_SEQ);

        for (size_t i = 0; l && i < n; i++)
                if (node_append(l, node_new_str(items[i] ? items[i] : "")) < 0)
                        return node_free(l);
        return l;
}

/* Python's platform.platform(): "Linux-6.1.0-18-amd64-x86_64-with-glibc2.36". */
static void system_platform(const struct utsname *u, char *buf, size_t size)
{
        (void)snprintf(buf, size, "%s-%s-%s-with-glibc%s", u->sysname, u->release, u->machine,
                       gnu_get_libc_version());
}

static struct node *sys_info(const struct utsname *u, const struct os_release *os)
{
        _cleanup_node_ struct node *si = node_new(NODE_MAP);
        /* Python's platform.uname(): six fields, the processor empty on Linux */
        const char *uname_items[] = { u->sysname, u->nodename, u->release,
                                      u->version, u->machine, "" };
        const char *dist[] = { os->id, os->version_id, os->codename };
        char plat[512];
        int r;

        if (!si)
                return NULL;
        system_platform(u, plat, sizeof(plat));
        r = set(si, "dist", str_list(dist, ELEMENTSOF(dist)));
        if (r >= 0)
                r = set_str(si, "platform", plat);
        /* there is no Python here: null rather than a made-up version */
        if (r >= 0)
                r = set(si, "python", node_new(NODE_NULL));
        if (r >= 0)
                r = set_str(si, "release", u->release);
        if (r >= 0)
                r = set_str(si, "system", u->sysname);
        if (r >= 0)
                r = set(si, "uname", str_list(uname_items, ELEMENTSOF(uname_items)));
        if (r >= 0)
                r = set_str(si, "variant", variant_of(os->id));
        return r < 0 ? NULL : TAKE_PTR(si);
}

/* cloud-init's DataSource.cloud_name: meta-data's cloud-name, else the
 * datasource's own (aws for Ec2), "unknown" for NoCloud, else its name. */
static void cloud_name_of(const struct ds_result *r, char *buf, size_t size)
{
        const char *md_name = node_get_str(r->md, "cloud-name");
        const char *name = md_name                                  ? md_name
                           : r->cloud_name                          ? r->cloud_name
                           : r->ds && streq(r->ds->name, "NoCloud") ? "unknown"
                           : r->ds                                  ? r->ds->name
                                                                    : "unknown";
        size_t i;

        for (i = 0; name[i] && i + 1 < size; i++)
                buf[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
        buf[i] = '\0';
}

static const struct node *md_first(const struct node *md, const char *a, const char *b)
{
        const struct node *n = node_get(md, a);
        return n ? n : node_get(md, b);
}

static struct node *copy_or_null(const struct node *n)
{
        return n ? node_copy(n) : node_new(NODE_NULL);
}

/* cloud-init's DataSource.get_hostname().hostname from the meta-data: the
 * short name (up to the first '.'), or ip-A-B-C-D for an IPv4 address. */
static void short_hostname(const char *lh, char *buf, size_t size)
{
        struct in_addr a;

        if (inet_pton(AF_INET, lh, &a) == 1) {
                (void)snprintf(buf, size, "ip-%s", lh);
                for (char *p = buf; *p; p++)
                        if (*p == '.')
                                *p = '-';
                return;
        }
        (void)snprintf(buf, size, "%.*s", (int)strcspn(lh, "."), lh);
}

static struct node *build_v1(const struct ds_result *r, const struct utsname *u,
                             const struct os_release *os)
{
        _cleanup_node_ struct node *v1 = node_new(NODE_MAP);
        const char *beta[] = { "subplatform" };
        const struct node *az = md_first(r->md, "availability-zone", "availability_zone");
        const char *region = node_get_str(r->md, "region");
        const char *lh = node_get_str(r->md, "local-hostname");
        char cloud_name[64], plat[512], host[256];
        int k;

        if (!v1)
                return NULL;
        if (lh && *lh) {
                short_hostname(lh, host, sizeof(host));
                lh = host;
        }
        cloud_name_of(r, cloud_name, sizeof(cloud_name));
        system_platform(u, plat, sizeof(plat));
        /* in cloud-init's order (json.dumps sorts the keys) */
        k = set(v1, "_beta_keys", str_list(beta, 1));
        if (k >= 0)
                k = set(v1, "availability-zone", copy_or_null(az));
        if (k >= 0)
                k = set(v1, "availability_zone", copy_or_null(az));
        if (k >= 0)
                k = set_str(v1, "cloud-name", cloud_name);
        if (k >= 0)
                k = set_str(v1, "cloud_id",
                            instance_data_cloud_id(cloud_name, region, r->platform));
        if (k >= 0)
                k = set_str(v1, "cloud_name", cloud_name);
        if (k >= 0)
                k = set_str(v1, "distro", os->id);
        if (k >= 0)
                k = set_str(v1, "distro_release", os->codename);
        if (k >= 0)
                k = set_str(v1, "distro_version", os->version_id);
        if (k >= 0)
                k = set_str(v1, "instance-id", r->iid);
        if (k >= 0)
                k = set_str(v1, "instance_id", r->iid);
        if (k >= 0)
                k = set_str(v1, "kernel_release", u->release);
        if (k >= 0)
                k = set_str(v1, "local-hostname", lh);
        if (k >= 0)
                k = set_str(v1, "local_hostname", lh);
        if (k >= 0)
                k = set_str(v1, "machine", u->machine);
        if (k >= 0)
                k = set_str(v1, "platform", r->platform);
        if (k >= 0)
                k = set(v1, "public_ssh_keys", ds_public_keys(r->md));
        if (k >= 0)
                k = set(v1, "python_version", node_new(NODE_NULL));
        if (k >= 0)
                k = set(v1, "region", copy_or_null(node_get(r->md, "region")));
        if (k >= 0)
                k = set_str(v1, "subplatform", r->subplatform);
        if (k >= 0)
                k = set_str(v1, "system_platform", plat);
        if (k >= 0)
                k = set_str(v1, "variant", variant_of(os->id));
        return k < 0 ? NULL : TAKE_PTR(v1);
}

static struct node *build_cloudboot(const struct ds_result *r, const struct platform *plat,
                                    const char *description)
{
        _cleanup_node_ struct node *cb = node_new(NODE_MAP);
        int k;

        if (!cb)
                return NULL;
        k = set_str(cb, "datasource", r->ds ? r->ds->name : NULL);
        if (k >= 0)
                k = set_str(cb, "description", description);
        if (k >= 0)
                k = set_str(cb, "dsmode", r->dsmode);
        if (k >= 0)
                k = set_str(cb, "user_data_name", r->ud_name);
        if (k >= 0 && plat)
                k = set_str(cb, "hypervisor", plat->hypervisor);
        if (k >= 0 && plat && plat->container[0])
                k = set_str(cb, "container", plat->container);
        if (k >= 0 && plat && plat->cloud)
                k = set_str(cb, "dmi_cloud", plat->cloud);
        return k < 0 ? NULL : TAKE_PTR(cb);
}

static struct node *system_cfg(int root_fd, const struct node *syscfg, const char *doc)
{
        struct node *c = NULL;

        if (syscfg)
                c = node_copy(syscfg);
        else if (syscfg_load(root_fd, &c) < 0)
                c = node_new(NODE_MAP);
        /* cloud-init's restricted config: system_info is kept apart (the
         * sensitive file's top-level system_info) */
        (void)node_del(c, "system_info");
        if (c && c->type == NODE_MAP && node_set(c, "_doc", node_new_str(doc)) < 0)
                c = node_free(c);
        return c;
}

/* cloud-init's process_instance_metadata(): list the sensitive keys and the
 * values that are not text (written base64, their path listed), depth first. */
static int catalogue(struct node *n, char *path, size_t plen, unsigned depth, struct node *sens,
                     struct node *b64)
{
        int r = 0;

        if (n->type != NODE_MAP || depth > 64)
                return 0;
        for (size_t i = 0; i + 1 < n->n && r >= 0; i += 2) {
                const char *name = node_str(n->items[i]);
                struct node *v = n->items[i + 1];
                size_t sep, nlen, l;

                if (!name)
                        continue;
                /* path + "/" + name, put together by hand: a snprintf for
                 * each of some 300 keys cost more than the walk itself */
                sep = plen ? 1 : 0;
                nlen = strlen(name);
                l = sep + nlen;
                if (plen + l >= PATH_MAX_LEN)
                        continue;
                if (sep)
                        path[plen] = '/';
                memcpy(path + plen + sep, name, nlen);
                path[plen + l] = '\0';
                if (instance_data_key_is_sensitive(name, path))
                        r = node_append(sens, node_new_str(path));
                if (r >= 0 && v->type == NODE_STR &&
                    (v->binary || !utf8_is_valid(v->str, v->len))) {
                        _cleanup_free_ char *enc = NULL;
                        r = b64_encode(v->str, v->len, &enc);
                        if (r >= 0)
                                r = node_append(b64, node_new_str(path));
                        if (r >= 0) {
                                struct node *e = node_new_str(enc);
                                if (!e)
                                        r = -ENOMEM;
                                else {
                                        node_free(n->items[i + 1]);
                                        n->items[i + 1] = e;
                                }
                        }
                }
                if (r >= 0)
                        r = catalogue(n->items[i + 1], path, plen + l, depth + 1, sens, b64);
                path[plen] = '\0';
        }
        return r;
}

static int cmp_str_nodes(const void *a, const void *b)
{
        return strcmp((*(struct node *const *)a)->str, (*(struct node *const *)b)->str);
}

int instance_data_build(int root_fd, const struct ds_result *r, const struct platform *plat,
                        const char *description, const struct node *syscfg, struct node **ret)
{
        _cleanup_node_ struct node *root = node_new(NODE_MAP);
        struct node *ds = node_new(NODE_MAP), *sens = node_new(NODE_SEQ), *b64 = node_new(NODE_SEQ);
        struct os_release os;
        struct utsname u;
        char path[PATH_MAX_LEN] = "";
        int k;

        if (!root || !ds || !sens || !b64) {
                node_free(ds);
                node_free(sens);
                node_free(b64);
                return -ENOMEM;
        }
        if (uname(&u) < 0)
                u = (struct utsname){ .sysname = "Linux" };
        os_release_read(root_fd, &os);
        k = set(root, "_cloudboot", build_cloudboot(r, plat, description));
        if (k >= 0)
                k = set(root, "base64_encoded_keys", b64);
        else
                node_free(b64);
        if (k >= 0)
                k = set(root, "ds", ds);
        else
                node_free(ds);
        if (k >= 0)
                k = set(ds, "_doc",
                        node_new_str("EXPERIMENTAL: The structure and format of content scoped "
                                     "under the 'ds' key may change in subsequent releases of "
                                     "cloud-init."));
        if (k >= 0)
                k = set(ds, "meta_data", r->md ? node_copy(r->md) : node_new(NODE_MAP));
        if (k >= 0)
                k = set(root, "merged_cfg",
                        system_cfg(root_fd, syscfg,
                                   "DEPRECATED: Use merged_system_cfg. Will be dropped from "
                                   "24.1"));
        if (k >= 0)
                k = set(root, "merged_system_cfg",
                        system_cfg(root_fd, syscfg,
                                   "Merged cloud-init system config from /etc/cloud/cloud.cfg "
                                   "and /etc/cloud/cloud.cfg.d/"));
        if (k >= 0)
                k = set(root, "sensitive_keys", sens);
        else
                node_free(sens);
        if (k >= 0)
                k = set(root, "sys_info", sys_info(&u, &os));
        if (k >= 0)
                k = set(root, "v1", build_v1(r, &u, &os));
        /* the lists are filled last, over everything above but themselves */
        if (k >= 0)
                k = catalogue(root, path, 0, 0, sens, b64);
        if (k < 0)
                return k;
        if (sens->n > 1)
                qsort(sens->items, sens->n, sizeof(sens->items[0]), cmp_str_nodes);
        if (b64->n > 1)
                qsort(b64->items, b64->n, sizeof(b64->items[0]), cmp_str_nodes);
        *ret = TAKE_PTR(root);
        return 0;
}

/* Replace the value at path ("a/b/c") with the redaction text, as cloud-init's
 * redact_sensitive_keys() does. */
static int redact_path(struct node *doc, const char *path)
{
        struct node *cur = doc;
        char part[PATH_MAX_LEN];

        while (cur && cur->type == NODE_MAP) {
                size_t len = strcspn(path, "/");
                bool last = path[len] == '\0';

                if (len >= sizeof(part))
                        return 0;
                memcpy(part, path, len);
                part[len] = '\0';
                if (last)
                        return node_get(cur, part)
                                       ? node_set(cur, part, node_new_str(INSTANCE_DATA_REDACTED))
                                       : 0;
                cur = node_get(cur, part);
                path += len + 1;
        }
        return 0;
}

int instance_data_redact(struct node *doc)
{
        const struct node *sens = node_get(doc, "sensitive_keys");
        int r = 0;

        /* the list names no path into itself (catalogue() fills it last) */
        for (size_t i = 0; sens && sens->type == NODE_SEQ && i < sens->n && r >= 0; i++)
                if (node_str(sens->items[i]))
                        r = redact_path(doc, sens->items[i]->str);
        return r;
}

static int render_json(const struct node *n, struct buf *b)
{
        int r;

        *b = BUF_INIT(64u * 1024 * 1024);
        r = json_write(b, n, 1);
        if (r >= 0)
                r = buf_putc(b, '\n');
        if (r < 0)
                buf_free_secret(b);
        return r;
}

/* Stores tree (taken) as the copy for the boots to come. A copy that cannot
 * be stored costs the next boot the making, nothing else. */
static void store_kept(int root_fd, const char *cache, uint64_t key, struct node *tree)
{
        int k = tree ? model_store_tree(root_fd, cache, key, tree) : -ENOMEM;

        if (k < 0)
                log_debug_errno(k, "Cannot store %s: %m", cache);
        node_free(tree);
}

/* Declared in state.h. */
int state_write_combined_config(int root_fd, const struct node *cfg, uint64_t key,
                                const char *cache)
{
        _cleanup_node_ struct node *c = NULL;
        const struct node *si = node_get(cfg, "system_info");
        struct buf text;
        int k;

        if (cache && key && model_load_tree(root_fd, cache, key, &c) >= 0) {
                const struct node *json = node_get(c, "json");
                k = node_str(json) ? fs_write_atomic(root_fd, COMBINED_CLOUD_CONFIG, json->str,
                                                     json->len, 0600, FS_NO_OWNER, (gid_t)-1)
                                   : -EBADMSG;
                c = node_free(c);
                if (k >= 0) {
                        log_debug("combined config: as %s keeps it (inputs unchanged)", cache);
                        return 0;
                }
        }
        c = node_copy(cfg);
        if (!c || c->type != NODE_MAP)
                return c ? -EINVAL : -ENOMEM;
        (void)node_del(c, "system_info");
        k = set_str(c, "_doc",
                    "Aggregated cloud-config created by merging merged_system_cfg "
                    "(/etc/cloud/cloud.cfg and /etc/cloud/cloud.cfg.d), metadata, vendordata and "
                    "userdata. The combined_cloud_config represents the aggregated desired "
                    "configuration acted upon by cloud-init.");
        if (k >= 0)
                k = set(c, "system_info", si ? node_copy(si) : node_new(NODE_MAP));
        /* user-data's secrets are in it: root only, as cloud-init writes it */
        if (k < 0 || (k = render_json(c, &text)) < 0)
                return k;
        k = fs_write_buf(root_fd, COMBINED_CLOUD_CONFIG, &text, 0600, FS_NO_OWNER, (gid_t)-1);
        if (k >= 0 && cache && key) {
                struct node *kept = node_new(NODE_MAP);
                if (kept && node_set(kept, "json", node_new_strn(text.data, text.len)) < 0)
                        kept = node_free(kept);
                store_kept(root_fd, cache, key, kept);
        }
        buf_free_secret(&text);
        return k;
}

/* The cache's key: every input of the two files. NULL and "" differ (the
 * NUL counts). */
static uint64_t key_str(uint64_t k, const char *s)
{
        return model_key_add(k, s, s ? strlen(s) + 1 : 0);
}

static uint64_t inputs_key(const struct ds_result *r, const struct platform *plat,
                           const char *description, uint64_t syscfg_digest, const struct utsname *u,
                           const struct os_release *os)
{
        const char *const strs[] = {
                PACKAGE_VERSION,
                description,
                r->ds ? r->ds->name : NULL,
                r->iid,
                r->dsmode,
                r->platform,
                r->cloud_name,
                r->subplatform,
                r->ud_name,
                plat ? "platform" : NULL,
                plat ? plat->hypervisor : NULL,
                plat ? plat->container : NULL,
                plat ? plat->cloud : NULL,
                u->sysname,
                u->release,
                u->version,
                u->machine,
                os->id,
                os->version_id,
                os->codename,
                gnu_get_libc_version(),
        };
        uint64_t k = model_key_add(MODEL_KEY_INIT, &syscfg_digest, sizeof(syscfg_digest));

        for (size_t i = 0; i < ELEMENTSOF(strs); i++)
                k = key_str(k, strs[i]);
        return model_key_tree(k, r->md);
}

/* The kernel's host name is in the files (sys_info.uname), and the first
 * boot sets it after init-local wrote them: the copy keeps, in its place, a
 * string of its own (the hole, random), filled with this boot's name when
 * the copy serves, so that the name is not part of the key. */

/* The JSON string of s, quotes included, in ret. */
static int json_string(const char *s, struct buf *ret)
{
        _cleanup_node_ struct node *n = node_new_str(s);

        *ret = BUF_INIT(4096);
        return n ? json_write(ret, n, 0) : -ENOMEM;
}

/* text with the JSON string hole (quoted) replaced by value (JSON, quoted):
 * -EBADMSG unless hole is there exactly once. */
static int fill_hole(const char *text, size_t len, const struct buf *hole, const struct buf *value,
                     struct buf *ret)
{
        const char *at = hole->len <= len ? memmem(text, len, hole->data, hole->len) : NULL;
        int r;

        *ret = BUF_INIT(64u * 1024 * 1024);
        if (!at || memmem(at + 1, len - (size_t)(at - text) - 1, hole->data, hole->len))
                return -EBADMSG;
        r = buf_append(ret, text, (size_t)(at - text));
        if (r >= 0)
                r = buf_append(ret, value->data, value->len);
        if (r >= 0)
                r = buf_append(ret, at + hole->len, len - (size_t)(at - text) - hole->len);
        if (r < 0)
                buf_free_secret(ret);
        return r;
}

/* The file at path: text with its hole filled by name. */
static int write_filled(int root_fd, const char *path, const char *text, size_t len,
                        const struct buf *hole, const struct buf *name, mode_t mode)
{
        struct buf b;
        int k = fill_hole(text, len, hole, name, &b);

        if (k >= 0)
                k = fs_write_buf(root_fd, path, &b, mode, FS_NO_OWNER, (gid_t)-1);
        buf_free_secret(&b);
        return k;
}

/* The files from the cache, and the shadow after the sensitive one (its key
 * is that file's inode). -EBADMSG: not a cache of these. */
static int serve_cache(int root_fd, const struct node *c, const struct buf *name)
{
        const struct node *sens = node_get(c, "sensitive"), *pub = node_get(c, "public");
        const struct node *sub = node_get(c, "shadow"), *h = node_get(c, "hole");
        struct buf hole;
        int k;

        if (!node_str(sens) || !node_str(pub) || !node_str(h) || !sub || sub->type != NODE_MAP)
                return -EBADMSG;
        k = json_string(h->str, &hole);
        if (k >= 0)
                k = write_filled(root_fd, INSTANCE_DATA_SENSITIVE, sens->str, sens->len, &hole,
                                 name, 0600);
        if (k >= 0)
                (void)state_shadow_store(root_fd, sub);
        if (k >= 0)
                k = write_filled(root_fd, INSTANCE_DATA, pub->str, pub->len, &hole, name, 0644);
        buf_free(&hole);
        return k;
}

static void store_cache(int root_fd, const char *cache, uint64_t key, const struct buf *sens,
                        const struct buf *pub, const char *hole, struct node *sub)
{
        struct node *c = node_new(NODE_MAP);
        int k = c ? node_set(c, "sensitive", node_new_strn(sens->data, sens->len)) : -ENOMEM;

        if (k >= 0)
                k = node_set(c, "public", node_new_strn(pub->data, pub->len));
        if (k >= 0)
                k = node_set(c, "hole", node_new_str(hole));
        if (k >= 0)
                k = node_set(c, "shadow", TAKE_PTR(sub));
        node_free(sub);
        store_kept(root_fd, cache, key, k < 0 ? node_free(c) : c);
}

/* The node of the host name in the files' tree: sys_info.uname[1]. */
static struct node *nodename_node(struct node *full)
{
        struct node *l = (struct node *)node_get_path(full, "sys_info.uname");

        return l && l->type == NODE_SEQ && l->n > 1 && node_str(l->items[1]) ? l->items[1] : NULL;
}

/* Render tree into ret. While *nn (the host name's node) holds the hole,
 * the text as written (the hole filled with name) goes in ret and the text
 * with the hole in ret_holed; text that does not hold the hole exactly once
 * (meta-data that holds it too) gets the name back in its node, *nn = NULL,
 * and no copy. */
static int render_holed(const struct node *tree, struct node **nn, const char *nodename,
                        const struct buf *hole, const struct buf *name, struct buf *ret,
                        struct buf *ret_holed)
{
        int k;

        if (*nn) {
                k = render_json(tree, ret_holed);
                if (k < 0 || (k = fill_hole(ret_holed->data, ret_holed->len, hole, name, ret)) >= 0)
                        return k;
                buf_free_secret(ret_holed);
                if (k != -EBADMSG)
                        return k;
                char *text = strdup(nodename);
                if (!text)
                        return -ENOMEM;
                node_take_strn(*nn, text, strlen(text));
                *nn = NULL;
        }
        return render_json(tree, ret);
}

/* Declared in state.h, where the stages look for it. */
int state_write_instance_data(int root_fd, const struct ds_result *r, const struct platform *plat,
                              const char *description, const struct node *syscfg,
                              uint64_t syscfg_digest, const char *cache)
{
        _cleanup_node_ struct node *full = NULL, *own = NULL, *sub = NULL;
        struct buf sens = BUF_INIT(0), pub = BUF_INIT(0), sens_h = BUF_INIT(0), pub_h = BUF_INIT(0);
        struct buf name = BUF_INIT(0), hole = BUF_INIT(0);
        char hole_text[64] = "";
        struct node *nn = NULL;
        struct os_release os;
        struct utsname u = { .nodename = "" }; /* read when there is a copy */
        uint64_t key = 0;
        int k = 0;

        if (!syscfg || !syscfg_digest)
                cache = NULL; /* what the system config is, is not known */
        if (cache) {
                if (uname(&u) < 0)
                        u = (struct utsname){ .sysname = "Linux" };
                os_release_read(root_fd, &os);
                key = inputs_key(r, plat, description, syscfg_digest, &u, &os);
                if (json_string(u.nodename, &name) < 0)
                        cache = NULL;
                else if (model_load_tree(root_fd, cache, key, &full) >= 0) {
                        k = serve_cache(root_fd, full, &name);
                        full = node_free(full);
                        if (k >= 0) {
                                log_debug("instance data: as %s keeps it (inputs unchanged)",
                                          cache);
                                buf_free(&name);
                                return 0;
                        }
                }
        }
        if (!syscfg && syscfg_load(root_fd, &own) >= 0)
                syscfg = own;
        k = instance_data_build(root_fd, r, plat, description, syscfg, &full);
        /* As cloud-init adds it after the catalogue: the system config's
         * system_info, in the sensitive file only. */
        if (k >= 0 && syscfg && node_get(syscfg, "system_info"))
                k = set(full, "system_info", node_copy(node_get(syscfg, "system_info")));
        /* the copy's hole where the host name goes */
        if (k >= 0 && cache && (nn = nodename_node(full))) {
                uint64_t rnd;
                char *text;
                if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                        rnd = key ^ (uint64_t)getpid();
                (void)snprintf(hole_text, sizeof(hole_text), "cloudboot-host-name-%016llx",
                               (unsigned long long)rnd);
                text = strdup(hole_text);
                if (text && json_string(hole_text, &hole) >= 0)
                        node_take_strn(nn, text, strlen(text));
                else {
                        free(text);
                        nn = NULL;
                }
        }
        /* the sensitive file first: the public one never holds more */
        if (k >= 0)
                k = render_holed(full, &nn, u.nodename, &hole, &name, &sens, &sens_h);
        if (k >= 0)
                k = fs_write_buf(root_fd, INSTANCE_DATA_SENSITIVE, &sens, 0600, FS_NO_OWNER,
                                 (gid_t)-1);
        if (k >= 0 && state_shadow_of(full, &sub) >= 0)
                (void)state_shadow_store(root_fd, sub);
        /* then the same tree made public where it stands, not copied: the
         * secrets out (the system config, twice, among them) */
        if (k >= 0) {
                (void)node_del(full, "system_info");
                k = instance_data_redact(full);
        }
        if (k >= 0)
                k = render_holed(full, &nn, u.nodename, &hole, &name, &pub, &pub_h);
        if (k >= 0)
                k = fs_write_buf(root_fd, INSTANCE_DATA, &pub, 0644, FS_NO_OWNER, (gid_t)-1);
        if (k >= 0 && nn && sub)
                store_cache(root_fd, cache, key, &sens_h, &pub_h, hole_text, TAKE_PTR(sub));
        buf_free_secret(&sens);
        buf_free_secret(&pub);
        buf_free_secret(&sens_h);
        buf_free_secret(&pub_h);
        buf_free(&name);
        buf_free(&hole);
        return k;
}
