/* SPDX-License-Identifier: Apache-2.0 */
/* Instance state and semaphores (see state.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "fs.h"
#include "json.h"
#include "log.h"
#include "state.h"
#include "yaml.h"

void instance_done(struct instance *inst)
{
        free(inst->iid);
        free(inst->iid_raw);
        free(inst->dsname);
        free(inst->description);
        free(inst->dsmode);
        free(inst->platform);
        free(inst->subplatform);
        free(inst->ud_name);
        node_free(inst->md);
        *inst = (struct instance){ 0 };
}

int state_iid_path(const char *iid, char **ret)
{
        size_t len = strnlen(iid, 256);
        char *p;

        if (len == 0 || len > 255)
                return -EINVAL;
        if (streq(iid, ".") || streq(iid, "..")) {
                *ret = strdup(streq(iid, ".") ? "_" : "__");
                return *ret ? 0 : -ENOMEM;
        }
        p = strdup(iid);
        if (!p)
                return -ENOMEM;
        for (char *c = p; *c; c++)
                if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
                        *c = '_';
        *ret = p;
        return 0;
}

double state_uptime(void)
{
        struct timespec ts;

        if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
                return 0;
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_text(int root_fd, const char *path, const char *text, mode_t mode)
{
        return fs_write_atomic(root_fd, path, text, strlen(text), mode, FS_NO_OWNER, (gid_t)-1);
}

int state_store(int root_fd, const struct ds_result *r, bool *ret_new)
{
        _cleanup_free_ char *iid = NULL, *prev = NULL, *desc = NULL, *prev_ds = NULL;
        char dir[512], path[640], line[600];
        int k;

        k = state_iid_path(r->iid, &iid);
        if (k < 0)
                return k;
        k = fs_read_line(root_fd, CLOUD_DIR "/data/instance-id", &prev);
        if (k < 0 && k != -ENOENT)
                return k;
        *ret_new = !prev || !streq(prev, r->iid);

        (void)snprintf(dir, sizeof(dir), CLOUD_DIR "/instances/%s", iid);
        (void)snprintf(path, sizeof(path), "%s/sem", dir);
        k = fs_mkdir_p(root_fd, path, 0755);
        if (k < 0)
                return k;
        (void)snprintf(path, sizeof(path), "%s/scripts", dir);
        k = fs_mkdir_p(root_fd, path, 0755);
        if (k < 0)
                return k;
        k = fs_symlink_atomic(root_fd, dir, CLOUD_DIR "/instance");
        if (k < 0)
                return k;

        /* User-data and vendor-data can hold secrets: root only. */
        (void)snprintf(path, sizeof(path), "%s/user-data.txt", dir);
        k = fs_write_atomic(root_fd, path, r->ud ? r->ud : "", r->ud_len, 0600, FS_NO_OWNER,
                            (gid_t)-1);
        if (k < 0)
                return k;
        (void)snprintf(path, sizeof(path), "%s/vendor-data.txt", dir);
        k = fs_write_atomic(root_fd, path, r->vd ? r->vd : "", r->vd_len, 0600, FS_NO_OWNER,
                            (gid_t)-1);
        if (k < 0)
                return k;
        /* As cloud-init: previous-* hold what the files said before this
         * boot rewrote them (NO_PREVIOUS_INSTANCE_ID on a first boot). */
        k = ds_describe(r, &desc);
        if (k < 0)
                return k;
        (void)snprintf(path, sizeof(path), "%s/datasource", dir);
        k = fs_read_line(root_fd, path, &prev_ds);
        if (k < 0 && k != -ENOENT)
                return k;
        (void)snprintf(line, sizeof(line), "DataSource%s: %s\n", r->ds->name, desc);
        k = write_text(root_fd, path, line, 0644);
        if (k < 0)
                return k;
        if (prev_ds)
                (void)snprintf(line, sizeof(line), "%s\n", prev_ds);
        k = write_text(root_fd, CLOUD_DIR "/data/previous-datasource", line, 0644);
        if (k < 0)
                return k;
        (void)snprintf(line, sizeof(line), "%s\n", prev ? prev : "NO_PREVIOUS_INSTANCE_ID");
        k = write_text(root_fd, CLOUD_DIR "/data/previous-instance-id", line, 0644);
        if (k < 0)
                return k;
        (void)snprintf(line, sizeof(line), "%s\n", r->iid);
        k = write_text(root_fd, CLOUD_DIR "/data/instance-id", line, 0644);
        if (k < 0)
                return k;
        (void)snprintf(line, sizeof(line), "%s\n", r->iid);
        return write_text(root_fd, RUN_DIR "/.instance-id", line, 0644);
}

static int set_str(struct node *map, const char *key, const char *value)
{
        return node_set(map, key, value ? node_new_str(value) : node_new(NODE_NULL));
}

static int set_copy(struct node *map, const char *key, const struct node *value)
{
        return node_set(map, key, value ? node_copy(value) : node_new(NODE_NULL));
}

/* Meta-data keys that hold credentials on some clouds: never world-readable. */
static const char *const sensitive_md[] = { "security-credentials", "password", NULL };

static int build_instance_data(const struct ds_result *r, const struct platform *plat,
                               const char *description, bool sensitive, struct node **ret)
{
        _cleanup_node_ struct node *root = node_new(NODE_MAP);
        struct node *v1 = node_new(NODE_MAP), *ds = node_new(NODE_MAP), *cb = node_new(NODE_MAP);
        struct node *md = node_copy(r->md), *keys = node_new(NODE_SEQ);
        struct utsname u;
        const char *lh = node_get_str(r->md, "local-hostname");
        int k = 0;

        if (!root || !v1 || !ds || !cb || !md || !keys) {
                node_free(v1);
                node_free(ds);
                node_free(cb);
                node_free(md);
                node_free(keys);
                return -ENOMEM;
        }
        if (!sensitive)
                for (const char *const *s = sensitive_md; *s; s++)
                        if (node_get(md, *s))
                                k = node_set(md, *s, node_new_str("redacted for non-root user"));
        if (k >= 0)
                k = node_set(root, "v1", v1);
        if (k >= 0)
                k = node_set(root, "ds", ds);
        if (k >= 0)
                k = node_set(ds, "meta_data", md);
        if (k >= 0)
                k = node_set(root, "sensitive_keys", keys);
        if (k >= 0) {
                for (const char *const *s = sensitive_md; *s && k >= 0; s++)
                        k = node_append(keys, node_new_str(*s));
        }
        (void)uname(&u);
        if (k >= 0)
                k = set_str(v1, "instance_id", r->iid);
        if (k >= 0)
                k = set_str(v1, "instance-id", r->iid);
        if (k >= 0)
                k = set_str(v1, "local_hostname", lh);
        if (k >= 0)
                k = set_str(v1, "local-hostname", lh);
        if (k >= 0)
                k = set_str(v1, "cloud_name", r->cloud_name ? r->cloud_name : r->platform);
        if (k >= 0)
                k = set_str(v1, "cloud-name", r->cloud_name ? r->cloud_name : r->platform);
        if (k >= 0)
                k = set_str(v1, "cloud_id", r->cloud_name ? r->cloud_name : r->platform);
        if (k >= 0)
                k = set_str(v1, "platform", r->platform);
        if (k >= 0)
                k = set_str(v1, "subplatform", r->subplatform);
        if (k >= 0)
                k = set_copy(v1, "availability_zone", node_get(r->md, "availability-zone"));
        if (k >= 0)
                k = set_copy(v1, "region", node_get(r->md, "region"));
        if (k >= 0)
                k = node_set(v1, "public_ssh_keys", ds_public_keys(r->md));
        if (k >= 0)
                k = set_str(v1, "kernel_release", u.release);
        if (k >= 0)
                k = set_str(v1, "machine", u.machine);
        if (k >= 0)
                k = set_str(v1, "datasource", r->ds->name);
        if (k >= 0 && plat)
                k = set_str(v1, "hypervisor", plat->hypervisor);
        if (k >= 0)
                k = node_set(root, "_cloudboot", cb);
        else
                node_free(cb);
        if (k >= 0)
                k = set_str(cb, "description", description);
        if (k >= 0)
                k = set_str(cb, "dsmode", r->dsmode);
        if (k >= 0)
                k = set_str(cb, "user_data_name", r->ud_name);
        if (k >= 0 && plat && plat->container[0])
                k = set_str(cb, "container", plat->container);
        if (k >= 0 && plat && plat->cloud)
                k = set_str(cb, "dmi_cloud", plat->cloud);
        if (k < 0)
                return k;
        *ret = TAKE_PTR(root);
        return 0;
}

static int write_json(int root_fd, const char *path, const struct node *n, mode_t mode)
{
        struct buf b = BUF_INIT(64u * 1024 * 1024);
        int r = json_write(&b, n, 1);

        if (r >= 0)
                r = buf_putc(&b, '\n');
        if (r >= 0)
                r = fs_write_buf(root_fd, path, &b, mode, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        return r;
}

int state_write_instance_data(int root_fd, const struct ds_result *r, const struct platform *plat,
                              const char *description)
{
        _cleanup_node_ struct node *pub = NULL, *sens = NULL;
        int k;

        k = build_instance_data(r, plat, description, false, &pub);
        if (k >= 0)
                k = build_instance_data(r, plat, description, true, &sens);
        if (k >= 0)
                k = write_json(root_fd, INSTANCE_DATA_SENSITIVE, sens, 0600);
        if (k >= 0)
                k = write_json(root_fd, INSTANCE_DATA, pub, 0644);
        return k;
}

static char *dup_opt(const char *s)
{
        return s ? strdup(s) : NULL;
}

int instance_from_result(const struct ds_result *r, const char *description, struct instance *ret)
{
        struct instance inst = { 0 };
        int k = state_iid_path(r->iid, &inst.iid);

        if (k < 0)
                return k;
        inst.iid_raw = strdup(r->iid);
        inst.dsname = strdup(r->ds->name);
        inst.description = dup_opt(description);
        inst.dsmode = dup_opt(r->dsmode);
        inst.platform = dup_opt(r->platform);
        inst.subplatform = dup_opt(r->subplatform);
        inst.ud_name = dup_opt(r->ud_name);
        inst.md = node_copy(r->md);
        if (!inst.iid_raw || !inst.dsname || !inst.md) {
                instance_done(&inst);
                return -ENOMEM;
        }
        *ret = inst;
        return 0;
}

int state_restore(int root_fd, struct instance *ret)
{
        _cleanup_free_ char *data = NULL;
        _cleanup_node_ struct node *doc = NULL;
        struct instance inst = { 0 };
        struct yaml_error err;
        const char *iid;
        size_t len;
        int k;

        k = fs_read_file(root_fd, INSTANCE_DATA_SENSITIVE, 64u * 1024 * 1024, &data, &len);
        if (k < 0)
                return k;
        k = yaml_load(data, len, INSTANCE_DATA_SENSITIVE, NULL, &doc, &err);
        if (k < 0)
                return log_warning_errno(k, "%s:%u:%u: %s", INSTANCE_DATA_SENSITIVE, err.line,
                                         err.col, err.msg);
        iid = node_get_str(node_get(doc, "v1"), "instance_id");
        if (!iid)
                return -EBADMSG;
        k = state_iid_path(iid, &inst.iid);
        if (k < 0)
                return k;
        inst.iid_raw = strdup(iid);
        inst.dsname = dup_opt(node_get_str(node_get(doc, "v1"), "datasource"));
        inst.platform = dup_opt(node_get_str(node_get(doc, "v1"), "platform"));
        inst.subplatform = dup_opt(node_get_str(node_get(doc, "v1"), "subplatform"));
        inst.description = dup_opt(node_get_str(node_get(doc, "_cloudboot"), "description"));
        inst.dsmode = dup_opt(node_get_str(node_get(doc, "_cloudboot"), "dsmode"));
        inst.ud_name = dup_opt(node_get_str(node_get(doc, "_cloudboot"), "user_data_name"));
        inst.md = node_copy(node_get_path(doc, "ds.meta_data"));
        if (!inst.md || inst.md->type != NODE_MAP) {
                node_free(inst.md);
                inst.md = node_new(NODE_MAP);
        }
        if (!inst.iid_raw || !inst.md) {
                instance_done(&inst);
                return -ENOMEM;
        }
        *ret = inst;
        return 0;
}

static void sem_path(const char *iid, const char *name, enum freq f, char *buf, size_t size)
{
        char mod[128];

        (void)snprintf(mod, sizeof(mod), "%s", name);
        for (char *c = mod; *c; c++)
                if (*c == '-')
                        *c = '_';
        if (f == FREQ_ONCE)
                (void)snprintf(buf, size, CLOUD_DIR "/sem/config_%s.once", mod);
        else
                (void)snprintf(buf, size, CLOUD_DIR "/instances/%s/sem/config_%s", iid, mod);
}

bool state_sem_has(int root_fd, const char *iid, const char *name, enum freq f)
{
        char path[640];

        if (f == FREQ_ALWAYS)
                return false;
        sem_path(iid, name, f, path, sizeof(path));
        return fs_exists(root_fd, path);
}

int state_sem_set(int root_fd, const char *iid, const char *name, enum freq f)
{
        char path[640], text[64];
        struct timespec ts;

        if (f == FREQ_ALWAYS)
                return 0;
        sem_path(iid, name, f, path, sizeof(path));
        (void)clock_gettime(CLOCK_REALTIME, &ts);
        (void)snprintf(text, sizeof(text), "%d: %lld.%06ld\n", (int)getpid(), (long long)ts.tv_sec,
                       ts.tv_nsec / 1000);
        return write_text(root_fd, path, text, 0644);
}
