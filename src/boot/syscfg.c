/* SPDX-License-Identifier: Apache-2.0 */
/* System config loading (see config.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "datasource.h"
#include "syscfg.h"
#include "fs.h"
#include "log.h"
#include "model.h"
#include "yaml.h"

/* What cloud-init would assume with an empty cloud.cfg on Debian. */
static const char builtin_defaults[] =
        "datasource_list: [NoCloud, ConfigDrive, Credentials, LXD, OpenNebula, DigitalOcean,\n"
        "  Azure, GCE, OpenStack, Scaleway, AliYun, Ec2, CloudStack, Hetzner, Oracle, Exoscale,\n"
        "  UpCloud, VMware, Vultr, Akamai, None]\n"
        "preserve_hostname: false\n"
        /* cloud-init's built-in settings (CFG_BUILTIN) that Debian keeps */
        "def_log_file: /var/log/cloud-init.log\n"
        "log_cfgs: []\n"
        "syslog_fix_perms: [\"syslog:adm\", \"root:adm\", \"root:wheel\", \"root:root\"]\n"
        "vendor_data: {enabled: true, prefix: []}\n"
        "vendor_data2: {enabled: true, prefix: []}\n"
        "system_info:\n"
        "  paths: {cloud_dir: /var/lib/cloud, docs_dir: /usr/share/doc/cloud-init/,\n"
        "          templates_dir: /etc/cloud/templates/}\n"
        "  network: {renderers: null}\n"
        "  distro: debian\n"
        "  default_user:\n"
        "    name: debian\n"
        "    lock_passwd: true\n"
        "    gecos: Debian\n"
        "    groups: [adm, audio, cdrom, dialout, dip, floppy, netdev, plugdev, sudo, video]\n"
        "    sudo: [\"ALL=(ALL) NOPASSWD:ALL\"]\n"
        "    shell: /bin/bash\n";

/* A warning about the system config: logged, and kept in diags (when given)
 * for the stored copy, which repeats it on the boots that load that copy.
 * Not log_defer_warnings(): that turns the warning into a debug line, for a
 * later stage to log, and this stage is the one that reports it. */
__attribute__((format(printf, 2, 3))) static void warn(struct buf *diags, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        log_warning("%s", msg);
        if (diags)
                (void)buf_printf(diags, "%s\n", msg);
}

/* The outcome r of reading name (at most max bytes) and, when it was read,
 * its YAML: -ENOENT silently, anything else refused with its reason and
 * position, as a warning. */
static int parse_read(const char *name, size_t max, int r, const char *data, size_t len,
                      struct node **ret, struct buf *diags)
{
        struct yaml_error err;

        if (r == -ENOENT)
                return r;
        if (r == -E2BIG) {
                warn(diags, "%s: larger than %zu bytes; ignored", name, max);
                return r;
        }
        if (r < 0) {
                warn(diags, "%s: cannot read: %s", name, strerror(-r));
                return r;
        }
        r = yaml_load(data, len, name, NULL, ret, &err);
        if (r < 0)
                warn(diags, "%s:%u:%u: %s; file ignored", name, err.line, err.col, err.msg);
        return r;
}

int syscfg_read_yaml(int root_fd, const char *path, const char *name, size_t max, struct node **ret)
{
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r = fs_read_file(root_fd, path, max, &data, &len);

        return parse_read(name ? name : path, max, r, data, len, ret, NULL);
}

void syscfg_limits(const struct node *syscfg, struct limits *ret)
{
        const struct node *v = node_get_path(syscfg, "cloudboot.max_user_data_bytes");

        *ret = (struct limits){ .user_data_max = DS_USERDATA_MAX };
        if (!v)
                return;
        if (v->type != NODE_INT || v->i < (long long)LIMIT_USER_DATA_MIN ||
            v->i > (long long)LIMIT_USER_DATA_CAP) {
                log_warning("%s:%u:%u: cloudboot.max_user_data_bytes must be an integer from %u "
                            "to %u; using %u",
                            v->file ? v->file : "<config>", v->line, v->col, LIMIT_USER_DATA_MIN,
                            LIMIT_USER_DATA_CAP, DS_USERDATA_MAX);
                return;
        }
        ret->user_data_max = (size_t)v->i;
}

/* One file of the system config, read once: its bytes serve the digest and,
 * when the parsed tree is not cached, the parse. */
struct cfg_file {
        char path[4096];
        char *data;
        size_t len, max; /* max: what was left of CONFIG_TOTAL_MAX, at most CONFIG_FILE_MAX */
        int r; /* fs_read_file()'s outcome */
};

static int merge_parsed(const struct cfg_file *f, struct node *cfg, struct buf *diags)
{
        _cleanup_node_ struct node *n = NULL;
        int r = parse_read(f->path, f->max, f->r, f->data, f->len, &n, diags);

        if (r < 0)
                return r == -ENOENT || r == -EBADMSG || r == -E2BIG || f->r < 0 ? 0 : r;
        if (n->type == NODE_NULL)
                return 0;
        if (n->type != NODE_MAP) {
                warn(diags, "%s:%u:%u: system config must be a mapping, got %s; file ignored",
                     f->path, n->line, n->col, node_type_name(n->type));
                return 0;
        }
        log_debug("Read system config %s", f->path);
        return node_merge(cfg, n);
}

static void cfg_files_free(struct cfg_file *files, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(files[i].data);
        free(files);
}

int syscfg_load(int root_fd, struct node **ret)
{
        return syscfg_load_digest(root_fd, ret, NULL, false);
}

int syscfg_load_digest(int root_fd, struct node **ret, uint64_t *ret_digest, bool replay)
{
        /* cloudboot's version and its built-in defaults count: the stored
         * parse outlives the boot, and another version may parse or merge
         * the same bytes otherwise */
        uint64_t digest = digest64(digest64(FNV1A64_INIT, PACKAGE_VERSION, sizeof(PACKAGE_VERSION)),
                                   builtin_defaults, sizeof(builtin_defaults));
        _cleanup_node_ struct node *cfg = NULL;
        struct cfg_file *files = NULL;
        struct model cached;
        struct yaml_error err;
        char **names = NULL;
        size_t n = 0, nf = 0, total = 0;
        int r;

        r = fs_list_dir(root_fd, "/etc/cloud/cloud.cfg.d", "*.cfg", 1024, &names, &n);
        if (r < 0) {
                fs_list_free(names, n);
                return r;
        }
        files = calloc(n + 2, sizeof(*files));
        if (!files) {
                fs_list_free(names, n);
                return -ENOMEM;
        }
        (void)snprintf(files[nf++].path, sizeof(files->path), "/etc/cloud/cloud.cfg");
        for (size_t i = 0; i < n; i++)
                (void)snprintf(files[nf++].path, sizeof(files->path), "/etc/cloud/cloud.cfg.d/%s",
                               names[i]);
        (void)snprintf(files[nf++].path, sizeof(files->path), RUN_DIR "/cloud.cfg");
        fs_list_free(names, n);
        for (size_t i = 0; i < nf; i++) {
                struct cfg_file *f = &files[i];
                size_t left = CONFIG_TOTAL_MAX - total;
                f->max = left < CONFIG_FILE_MAX ? left : CONFIG_FILE_MAX;
                f->r = fs_read_file(root_fd, f->path, f->max, &f->data, &f->len);
                total += f->r >= 0 ? f->len : 0;
                /* an absent file counts as its name alone */
                digest = digest64(digest, f->path, strlen(f->path) + 1);
                if (f->r >= 0)
                        digest = digest64(digest64(digest, &f->len, sizeof(f->len)), f->data,
                                          f->len);
        }
        /* Parsed once per change of the files: the stage that parsed them
         * stores the tree (positions kept) and what its parse warned under
         * the digest of these very bytes; every other stage, of any boot,
         * loads it, and the first stage of a boot repeats the warnings. */
        if (model_load(root_fd, SYSCFG_FILE, digest, NULL, &cached) >= 0 && cached.user &&
            cached.user->type == NODE_MAP) {
                cfg = TAKE_PTR(cached.user);
                for (size_t i = 0; replay && i < cached.n_diags; i++)
                        log_warning("%s", cached.diags[i]);
                model_done(&cached);
                log_debug("system config: %s serves (files unchanged)", SYSCFG_FILE);
        } else {
                struct buf diags = BUF_INIT(64u * 1024);
                struct model m = { .key = digest, .iid = (char *)"", .complete = true };

                r = yaml_load(builtin_defaults, sizeof(builtin_defaults) - 1, "<built-in>", NULL,
                              &cfg, &err);
                for (size_t i = 0; i < nf && r >= 0; i++)
                        r = merge_parsed(&files[i], cfg, ret_digest ? &diags : NULL);
                if (r >= 0)
                        r = model_add_diag_lines(&m, diags.data);
                buf_free(&diags);
                if (r >= 0 && ret_digest) {
                        m.user = cfg;
                        int k = model_store(root_fd, SYSCFG_FILE, &m);
                        if (k < 0)
                                log_debug_errno(k, "Cannot store %s: %m", SYSCFG_FILE);
                        m.user = NULL;
                }
                m.iid = NULL;
                model_done(&m);
        }
        cfg_files_free(files, nf);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(cfg);
        if (ret_digest)
                *ret_digest = digest;
        return 0;
}

bool syscfg_vendor_data_enabled(const struct node *cfg)
{
        const struct node *e = node_get_path(cfg, "vendor_data.enabled");
        if (!e)
                return true;
        return e->type == NODE_BOOL ? e->b : strcasecmp(e->str ? e->str : "", "false") != 0;
}
