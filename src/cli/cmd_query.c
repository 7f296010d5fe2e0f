/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot query`: instance-data by dotted key. root reads the sensitive
 * file; others the world-readable one. As `cloud-init query` does, --all and
 * --list-keys show v1's keys at the top too, and userdata, vendordata and
 * combined_cloud_config (the merged cloud-config), which only root sees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fs.h"
#include "instance_data.h"
#include "json.h"
#include "state.h"
#include "stage.h"
#include "yaml.h"

static int print_node(const struct node *n)
{
        struct buf b = BUF_INIT(64u * 1024 * 1024);
        int r;

        if (n->type == NODE_STR && !n->binary) {
                fwrite(n->str, 1, n->len, stdout);
                putchar('\n');
                return 0;
        }
        r = json_write(&b, n, 1);
        if (r >= 0)
                printf("%s\n", b.data);
        buf_free(&b);
        return r < 0 ? 1 : 0;
}

static int print_raw(int root_fd, const char *file)
{
        char path[256];
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instance/%s", file);
        r = fs_read_file(root_fd, path, 64u * 1024 * 1024, &data, &len);
        if (r < 0) {
                fprintf(stderr, "cloudboot query: cannot read %s: %s\n", path, strerror(-r));
                return 1;
        }
        fwrite(data, 1, len, stdout);
        return 0;
}

static struct node *redacted_file(const char *path)
{
        char text[512];
        (void)snprintf(text, sizeof(text), "<%s> file:%s", INSTANCE_DATA_REDACTED, path);
        return node_new_str(text);
}

static struct node *raw_file(int root_fd, const char *path)
{
        _cleanup_free_ char *data = NULL;
        size_t len;

        if (fs_read_file(root_fd, path, 64u * 1024 * 1024, &data, &len) < 0)
                return node_new(NODE_NULL);
        return node_new_strn(data, len);
}

/* What `cloud-init query` adds to the file: v1's keys at the top, the raw
 * user-data and vendor-data, and the merged cloud-config (computed as a
 * stage computes it) — the last three for root only. */
static int add_query_keys(int root_fd, struct node *doc, bool as_root, const char *key)
{
        static const char ud[] = CLOUD_DIR "/instance/user-data.txt",
                          vd[] = CLOUD_DIR "/instance/vendor-data.txt",
                          ccc[] = RUN_DIR "/combined-cloud-config.json";
        const struct node *v1 = node_get(doc, "v1");
        bool want_ccc = !key || streq(key, "combined_cloud_config") ||
                        startswith(key, "combined_cloud_config.");
        int r = 0;

        for (size_t i = 0; v1 && v1->type == NODE_MAP && i + 1 < v1->n && r >= 0; i += 2)
                if (node_str(v1->items[i]) && !node_get(doc, v1->items[i]->str))
                        r = node_set(doc, v1->items[i]->str, node_copy(v1->items[i + 1]));
        if (r >= 0 && !key)
                r = node_set(doc, "userdata", as_root ? raw_file(root_fd, ud) : redacted_file(ud));
        if (r >= 0 && !key)
                r = node_set(doc, "vendordata",
                             as_root ? raw_file(root_fd, vd) : redacted_file(vd));
        if (r >= 0 && want_ccc) {
                struct node *cfg = NULL;
                if (!as_root)
                        r = node_set(doc, "combined_cloud_config", redacted_file(ccc));
                else if ((r = stage_merged_config(root_fd, &cfg)) >= 0)
                        r = node_set(doc, "combined_cloud_config", cfg);
        }
        return r;
}

static int cmp_pairs(const void *a, const void *b)
{
        const struct node *const *x = a, *const *y = b;
        return strcmp(x[0]->str ? x[0]->str : "", y[0]->str ? y[0]->str : "");
}

/* json.dumps(sort_keys=True), at the top level. */
static void sort_keys(struct node *map)
{
        qsort(map->items, map->n / 2, 2 * sizeof(map->items[0]), cmp_pairs);
}

int cmd_query(const char *root, const char *instance_data, const char *key, bool all,
              bool list_keys)
{
        _cleanup_close_ int root_fd = fs_open_root(root);
        _cleanup_free_ char *data = NULL;
        _cleanup_node_ struct node *doc = NULL;
        const char *file = geteuid() == 0 ? INSTANCE_DATA_SENSITIVE : INSTANCE_DATA;
        const struct node *n;
        struct yaml_error err;
        size_t len;
        int r;

        if (root_fd < 0) {
                fprintf(stderr, "cloudboot query: cannot open %s: %s\n", root, strerror(-root_fd));
                return 1;
        }
        if (key && (streq(key, "userdata") || streq(key, "vendordata"))) {
                if (geteuid() != 0) {
                        fprintf(stderr, "cloudboot query: %s is readable by root only\n", key);
                        return 1;
                }
                return print_raw(root_fd,
                                 streq(key, "userdata") ? "user-data.txt" : "vendor-data.txt");
        }
        if (instance_data) {
                /* the user's own file, by the name they gave */
                _cleanup_close_ int host = fs_open_root("/");
                _cleanup_free_ char *abs = realpath(instance_data, NULL);
                file = instance_data;
                r = abs ? fs_read_file(host, abs, 64u * 1024 * 1024, &data, &len) : -errno;
        } else
                r = fs_read_file(root_fd, file, 64u * 1024 * 1024, &data, &len);
        if (r < 0) {
                fprintf(stderr, "cloudboot query: cannot read %s: %s (has cloudboot run?)\n", file,
                        strerror(-r));
                return 1;
        }
        r = json_load(data, len, file, &doc, &err);
        if (r < 0) {
                fprintf(stderr, "%s:%u:%u: %s\n", file, err.line, err.col, err.msg);
                return 1;
        }
        if (!instance_data && doc->type == NODE_MAP) {
                r = add_query_keys(root_fd, doc, geteuid() == 0, key);
                if (r < 0) {
                        fprintf(stderr, "cloudboot query: cannot build the instance-data: %s\n",
                                strerror(-r));
                        return 1;
                }
        }
        /* cloudboot's own record is not instance-data: asked for by name only */
        if (!key && doc->type == NODE_MAP)
                (void)node_del(doc, "_cloudboot");
        if (!key && doc->type == NODE_MAP)
                sort_keys(doc);
        n = doc;
        if (key) {
                /* v1 keys are also reachable at the top, as in cloud-init. */
                n = node_get_path(doc, key);
                if (!n)
                        n = node_get_path(node_get(doc, "v1"), key);
                if (!n) {
                        fprintf(stderr, "cloudboot query: undefined instance-data key '%s'\n", key);
                        return 1;
                }
        }
        if (list_keys) {
                if (n->type != NODE_MAP) {
                        fprintf(stderr, "cloudboot query: '%s' is not a mapping\n", key ? key : "");
                        return 1;
                }
                for (size_t i = 0; i + 1 < n->n; i += 2)
                        printf("%s\n", n->items[i]->str);
                return 0;
        }
        (void)all;
        return print_node(n);
}
