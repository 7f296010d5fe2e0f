/* SPDX-License-Identifier: Apache-2.0 */
/* System config loading (see config.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "datasource.h"
#include "syscfg.h"
#include "fs.h"
#include "log.h"
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

/* syscfg_read_yaml(), chaining the file's name and bytes into *digest when
 * not NULL (an absent file counts as its name alone). */
static int read_yaml(int root_fd, const char *path, const char *name, size_t max, struct node **ret,
                     uint64_t *digest)
{
        _cleanup_free_ char *data = NULL;
        struct yaml_error err;
        size_t len;
        int r;

        if (!name)
                name = path;
        r = fs_read_file(root_fd, path, max, &data, &len);
        if (digest) {
                *digest = fnv1a64(*digest, path, strlen(path) + 1);
                if (r >= 0)
                        *digest = fnv1a64(fnv1a64(*digest, &len, sizeof(len)), data, len);
        }
        if (r == -ENOENT)
                return r;
        if (r == -E2BIG)
                return log_warning_errno(r, "%s: larger than %zu bytes; ignored", name, max);
        if (r < 0)
                return log_warning_errno(r, "%s: cannot read: %m", name);
        r = yaml_load(data, len, name, NULL, ret, &err);
        if (r < 0)
                log_warning("%s:%u:%u: %s; file ignored", name, err.line, err.col, err.msg);
        return r;
}

int syscfg_read_yaml(int root_fd, const char *path, const char *name, size_t max, struct node **ret)
{
        return read_yaml(root_fd, path, name, max, ret, NULL);
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

static int merge_file(int root_fd, const char *path, struct node *cfg, uint64_t *digest)
{
        _cleanup_node_ struct node *n = NULL;
        int r = read_yaml(root_fd, path, NULL, CONFIG_FILE_MAX, &n, digest);

        if (r < 0)
                return r == -ENOENT || r == -EBADMSG || r == -E2BIG ? 0 : r;
        if (n->type == NODE_NULL)
                return 0;
        if (n->type != NODE_MAP) {
                log_warning("%s:%u:%u: system config must be a mapping, got %s; file ignored", path,
                            n->line, n->col, node_type_name(n->type));
                return 0;
        }
        log_debug("Read system config %s", path);
        return node_merge(cfg, n);
}

int syscfg_load(int root_fd, struct node **ret)
{
        return syscfg_load_digest(root_fd, ret, NULL);
}

int syscfg_load_digest(int root_fd, struct node **ret, uint64_t *ret_digest)
{
        uint64_t digest = FNV1A64_INIT;
        _cleanup_node_ struct node *cfg = NULL;
        struct yaml_error err;
        char **names = NULL;
        size_t n = 0;
        int r;

        r = yaml_load(builtin_defaults, sizeof(builtin_defaults) - 1, "<built-in>", NULL, &cfg,
                      &err);
        if (r < 0)
                return r;
        r = merge_file(root_fd, "/etc/cloud/cloud.cfg", cfg, &digest);
        if (r < 0)
                return r;

        r = fs_list_dir(root_fd, "/etc/cloud/cloud.cfg.d", "*.cfg", 1024, &names, &n);
        for (size_t i = 0; i < n && r >= 0; i++) {
                char path[4096];
                (void)snprintf(path, sizeof(path), "/etc/cloud/cloud.cfg.d/%s", names[i]);
                r = merge_file(root_fd, path, cfg, &digest);
        }
        fs_list_free(names, n);
        if (r < 0)
                return r;
        r = merge_file(root_fd, "/run/cloud-init/cloud.cfg", cfg, &digest);
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
