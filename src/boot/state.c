/* SPDX-License-Identifier: Apache-2.0 */
/* Instance state and semaphores (see state.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "model.h"
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

/* What cloud-init creates on every boot: the directories of its layout
 * (Init._initial_subdirs) and the instance's own (_get_instance_subdirs). */
static int make_dirs(int root_fd, const char *idir)
{
        static const char *const top[] = {
                CLOUD_DIR "/scripts/per-instance",
                CLOUD_DIR "/scripts/per-once",
                CLOUD_DIR "/scripts/per-boot",
                CLOUD_DIR "/scripts/vendor",
                CLOUD_DIR "/seed",
                CLOUD_DIR "/instances",
                CLOUD_DIR "/handlers",
                CLOUD_DIR "/sem",
                CLOUD_DIR "/data",
                RUN_DIR "/sem",
                NULL,
        };
        static const char *const sub[] = { "handlers", "scripts", "sem", NULL };
        char path[640];
        int k = 0;

        for (const char *const *d = top; k >= 0 && *d; d++)
                k = fs_mkdir_p(root_fd, *d, 0755);
        for (const char *const *d = sub; k >= 0 && *d; d++) {
                (void)snprintf(path, sizeof(path), "%s/%s", idir, *d);
                k = fs_mkdir_p(root_fd, path, 0755);
        }
        return k;
}

int state_store(int root_fd, const struct ds_result *r, bool *ret_new)
{
        return state_store_instance(root_fd, r, /* write_raw= */ true, ret_new);
}

int state_store_instance(int root_fd, const struct ds_result *r, bool write_raw, bool *ret_new)
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
        k = make_dirs(root_fd, dir);
        if (k < 0)
                return k;
        k = fs_symlink_atomic(root_fd, dir, CLOUD_DIR "/instance");
        if (k < 0)
                return k;

        /* User-data and vendor-data can hold secrets: root only. */
        (void)snprintf(path, sizeof(path), "%s/user-data.txt", dir);
        if (write_raw)
                k = fs_write_atomic(root_fd, path, r->ud ? r->ud : "", r->ud_len, 0600, FS_NO_OWNER,
                                    (gid_t)-1);
        if (k < 0)
                return k;
        (void)snprintf(path, sizeof(path), "%s/vendor-data.txt", dir);
        if (write_raw)
                k = fs_write_atomic(root_fd, path, r->vd ? r->vd : "", r->vd_len, 0600, FS_NO_OWNER,
                                    (gid_t)-1);
        if (k < 0)
                return k;
        /* cloud-init writes vendor-data2 too, empty when the datasource has
         * none; no datasource here reads one yet (OpenStack's vendor_data2). */
        (void)snprintf(path, sizeof(path), "%s/vendor-data2.txt", dir);
        if (write_raw)
                k = fs_write_atomic(root_fd, path, "", 0, 0600, FS_NO_OWNER, (gid_t)-1);
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

int state_reflect(int root_fd, const struct instance *inst)
{
        _cleanup_free_ char *prev = NULL, *prev_ds = NULL;
        char path[640], line[600];
        int k;

        /* What init-local wrote becomes the previous value, as in
         * cloud-init's init stage, which records the instance again. */
        k = fs_read_line(root_fd, CLOUD_DIR "/data/instance-id", &prev);
        if (k < 0 && k != -ENOENT)
                return k;
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/datasource", inst->iid);
        k = fs_read_line(root_fd, path, &prev_ds);
        if (k < 0 && k != -ENOENT)
                return k;
        if (prev_ds) {
                (void)snprintf(line, sizeof(line), "%s\n", prev_ds);
                k = write_text(root_fd, CLOUD_DIR "/data/previous-datasource", line, 0644);
                if (k < 0)
                        return k;
        }
        (void)snprintf(line, sizeof(line), "%s\n", prev ? prev : "NO_PREVIOUS_INSTANCE_ID");
        k = write_text(root_fd, CLOUD_DIR "/data/previous-instance-id", line, 0644);
        if (k < 0)
                return k;
        (void)snprintf(line, sizeof(line), "%s\n", inst->iid_raw);
        k = write_text(root_fd, CLOUD_DIR "/data/instance-id", line, 0644);
        if (k < 0)
                return k;
        return write_text(root_fd, RUN_DIR "/.instance-id", line, 0644);
}

/* build_instance_data() and state_write_instance_data() are in instance_data.c. */

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

/* The meta-data's values instance-data lists in base64_encoded_keys
 * ("ds/meta_data/random_seed": bytes that are not text) back to the bytes
 * they stand for, as the datasource gave them. Top-level keys only: that is
 * where datasources put bytes. */
static void restore_binary(const struct node *doc, struct node *md)
{
        const struct node *keys = node_get(doc, "base64_encoded_keys");

        for (size_t i = 0; keys && keys->type == NODE_SEQ && i < keys->n; i++) {
                const char *k = node_str(keys->items[i]);
                struct node *v;
                char *raw = NULL;
                size_t len = 0;

                if (!k || !startswith(k, "ds/meta_data/") || strchr(k + 13, '/'))
                        continue;
                v = node_get(md, k + 13);
                if (!node_str(v) || v->binary ||
                    b64_decode(v->str, v->len, 64u * 1024 * 1024, &raw, &len) < 0)
                        continue;
                node_take_strn(v, raw, len);
                v->binary = true;
        }
}

/* What state_restore() reads of a sensitive instance-data tree, in the same
 * shape: the shadow copy. doc's meta-data is moved into it, not copied (the
 * largest part by far); restore: its bytes are still base64 text in doc (doc
 * was read from the JSON or is what reading it would give). -EBADMSG when doc
 * names no valid instance. */
static int subset_of_doc(struct node *doc, bool restore, struct node **ret)
{
        _cleanup_node_ struct node *sub = node_new(NODE_MAP);
        struct node *from_v1 = node_get(doc, "v1"), *from_cb = node_get(doc, "_cloudboot");
        struct node *v1 = node_new(NODE_MAP), *cb = node_new(NODE_MAP), *ds = node_new(NODE_MAP);
        struct node *ds_doc = node_get(doc, "ds");
        struct node *md = ds_doc && ds_doc->type == NODE_MAP ? node_take(ds_doc, "meta_data") : NULL;
        const struct {
                struct node *to, *from;
                const char *key;
        } fields[] = {
                { v1, from_v1, "instance_id" },   { v1, from_v1, "platform" },
                { v1, from_v1, "subplatform" },   { cb, from_cb, "datasource" },
                { cb, from_cb, "description" },   { cb, from_cb, "dsmode" },
                { cb, from_cb, "user_data_name" },
        };
        const char *iid = node_get_str(from_v1, "instance_id");
        _cleanup_free_ char *iid_path = NULL;
        int r = !sub || !v1 || !cb || !ds ? -ENOMEM
                : !iid                    ? -EBADMSG
                                          : state_iid_path(iid, &iid_path);

        if (r >= 0 && (!md || md->type != NODE_MAP)) {
                node_free(md);
                md = node_new(NODE_MAP);
        } else if (r >= 0 && restore)
                restore_binary(doc, md);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(fields); i++) {
                const char *v = node_get_str(fields[i].from, fields[i].key);
                if (v)
                        r = node_set(fields[i].to, fields[i].key, node_new_str(v));
        }
        if (r >= 0)
                r = node_set(ds, "meta_data", TAKE_PTR(md));
        if (r >= 0) {
                r = node_set(sub, "v1", TAKE_PTR(v1));
                if (r >= 0)
                        r = node_set(sub, "_cloudboot", TAKE_PTR(cb));
                if (r >= 0)
                        r = node_set(sub, "ds", TAKE_PTR(ds));
        }
        node_free(md);
        node_free(v1);
        node_free(cb);
        node_free(ds);
        if (r >= 0)
                *ret = TAKE_PTR(sub);
        return r;
}

/* The instance a subset_of_doc() tree describes; its meta-data is moved out
 * of sub. */
static int instance_of_subset(struct node *sub, struct instance *ret)
{
        struct instance inst = { 0 };
        const struct node *v1 = node_get(sub, "v1"), *cb = node_get(sub, "_cloudboot");
        const char *iid = node_get_str(v1, "instance_id");
        int k = iid ? state_iid_path(iid, &inst.iid) : -EBADMSG;

        if (k < 0)
                return k;
        inst.iid_raw = strdup(iid);
        inst.dsname = dup_opt(node_get_str(cb, "datasource"));
        inst.platform = dup_opt(node_get_str(v1, "platform"));
        inst.subplatform = dup_opt(node_get_str(v1, "subplatform"));
        inst.description = dup_opt(node_get_str(cb, "description"));
        inst.dsmode = dup_opt(node_get_str(cb, "dsmode"));
        inst.ud_name = dup_opt(node_get_str(cb, "user_data_name"));
        inst.md = node_take(node_get(sub, "ds"), "meta_data");
        if (inst.md && inst.md->type != NODE_MAP) /* a shadow not of our making */
                inst.md = node_free(inst.md);
        if (!inst.md)
                inst.md = node_new(NODE_MAP);
        if (!inst.iid_raw || !inst.md) {
                instance_done(&inst);
                return -ENOMEM;
        }
        *ret = inst;
        return 0;
}

/* The copy the later stages read instead of the JSON, keyed by the JSON
 * file's identity (a file written again is read again). */
int state_shadow_store(int root_fd, const struct node *sub)
{
        int k = model_shadow_store(root_fd, INSTANCE_SHADOW, INSTANCE_DATA_SENSITIVE, sub);

        if (k < 0)
                log_debug_errno(k, "Cannot store %s: %m", INSTANCE_SHADOW);
        return k;
}

int state_shadow_of(const struct node *full, struct node **ret)
{
        const char *file = node_intern_file(INSTANCE_DATA_SENSITIVE);
        /* the parts that are read, as the JSON gives them back */
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        int k = doc ? 0 : -ENOMEM;
        static const char *const parts[] = { "v1", "_cloudboot", "base64_encoded_keys" };

        for (size_t i = 0; k >= 0 && i < ELEMENTSOF(parts); i++)
                if (node_get(full, parts[i]))
                        k = node_set(doc, parts[i], json_reread(node_get(full, parts[i]), file));
        if (k >= 0 && node_get_path(full, "ds.meta_data")) {
                struct node *ds = node_new(NODE_MAP);
                k = ds ? node_set(ds, "meta_data",
                                  json_reread(node_get_path(full, "ds.meta_data"), file))
                       : -ENOMEM;
                if (k >= 0)
                        k = node_set(doc, "ds", ds); /* frees ds when it fails */
                else
                        node_free(ds);
        }
        return k < 0 ? k : subset_of_doc(doc, true, ret);
}

int state_restore(int root_fd, struct instance *ret)
{
        _cleanup_free_ char *data = NULL;
        _cleanup_node_ struct node *doc = NULL, *sub = NULL;
        struct yaml_error err;
        size_t len;
        int k;

        /* the later stages of a boot read the copy the stage that wrote the
         * file left */
        if (model_shadow_load(root_fd, INSTANCE_SHADOW, INSTANCE_DATA_SENSITIVE, &sub) < 0) {
                k = fs_read_file(root_fd, INSTANCE_DATA_SENSITIVE, 64u * 1024 * 1024, &data, &len);
                if (k < 0)
                        return k;
                k = json_load(data, len, INSTANCE_DATA_SENSITIVE, &doc, &err);
                if (k < 0)
                        return log_warning_errno(k, "%s:%u:%u: %s", INSTANCE_DATA_SENSITIVE,
                                                 err.line, err.col, err.msg);
                k = subset_of_doc(doc, true, &sub);
                if (k < 0)
                        return k;
                (void)state_shadow_store(root_fd, sub);
        }
        return instance_of_subset(sub, ret);
}

int state_write_cloud_id(int root_fd, const char *cloud_id)
{
        _cleanup_close_ int dfd = -1;
        char name[300], line[340], prev[340];
        ssize_t n;
        int k;

        if (!cloud_id || !cloud_id[0] || strlen(cloud_id) > 200 || strchr(cloud_id, '/') ||
            streq(cloud_id, ".") || streq(cloud_id, ".."))
                return -EINVAL;
        for (const char *c = cloud_id; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        return -EINVAL;
        (void)snprintf(name, sizeof(name), "cloud-id-%s", cloud_id);
        (void)snprintf(line, sizeof(line), "%s\n", cloud_id);
        k = fs_mkdir_p(root_fd, RUN_DIR, 0755);
        if (k < 0)
                return k;
        dfd = fs_open_in_root(root_fd, RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (dfd < 0)
                return dfd;
        k = fs_write_atomic_at(dfd, name, line, strlen(line), 0644, FS_NO_OWNER, (gid_t)-1);
        if (k < 0)
                return k;
        /* the link names the file by its absolute path, as cloud-init's does;
         * the file of another cloud-id it named before goes */
        n = readlinkat(dfd, "cloud-id", prev, sizeof(prev) - 1);
        prev[n > 0 ? n : 0] = 0;
        (void)snprintf(line, sizeof(line), RUN_DIR "/%s", name);
        if (streq(prev, line))
                return 0;
        k = fs_symlink_atomic(root_fd, line, RUN_DIR "/cloud-id");
        if (k >= 0 && startswith(prev, RUN_DIR "/cloud-id-") &&
            !strchr(prev + strlen(RUN_DIR "/"), '/'))
                (void)unlinkat(dfd, prev + strlen(RUN_DIR "/"), 0);
        return k;
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

/* cloud-init's contents: "<pid>: <time>" */
static int sem_write(int root_fd, const char *path)
{
        char text[64];
        struct timespec ts;

        (void)clock_gettime(CLOCK_REALTIME, &ts);
        (void)snprintf(text, sizeof(text), "%d: %lld.%06ld\n", (int)getpid(), (long long)ts.tv_sec,
                       ts.tv_nsec / 1000);
        return write_text(root_fd, path, text, 0644);
}

int state_sem_set(int root_fd, const char *iid, const char *name, enum freq f)
{
        char path[640];

        if (f == FREQ_ALWAYS)
                return 0;
        sem_path(iid, name, f, path, sizeof(path));
        return sem_write(root_fd, path);
}

static void sem_file_path(const char *iid, const char *file, char *buf, size_t size)
{
        (void)snprintf(buf, size, CLOUD_DIR "/instances/%s/sem/%s", iid, file);
}

bool state_sem_has_file(int root_fd, const char *iid, const char *file)
{
        char path[640];

        sem_file_path(iid, file, path, sizeof(path));
        return fs_exists(root_fd, path);
}

int state_sem_set_file(int root_fd, const char *iid, const char *file)
{
        char path[640];

        sem_file_path(iid, file, path, sizeof(path));
        return sem_write(root_fd, path);
}
