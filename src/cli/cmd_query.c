/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot query`: instance-data by dotted key. root reads the sensitive
 * file; others the world-readable one. userdata/vendordata print the raw data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fs.h"
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
        r = yaml_load(data, len, file, NULL, &doc, &err);
        if (r < 0) {
                fprintf(stderr, "%s:%u:%u: %s\n", file, err.line, err.col, err.msg);
                return 1;
        }
        /* merged_cfg: what the modules see, computed as a stage computes it;
         * it can hold secrets (passwords), so only root sees it */
        if (!instance_data && doc->type == NODE_MAP &&
            (!key || streq(key, "merged_cfg") || startswith(key, "merged_cfg."))) {
                struct node *cfg = NULL;
                if (geteuid() != 0)
                        r = node_set(doc, "merged_cfg", node_new_str("redacted for non-root user"));
                else if ((r = stage_merged_config(root_fd, &cfg)) >= 0)
                        r = node_set(doc, "merged_cfg", cfg);
                if (r < 0) {
                        fprintf(stderr, "cloudboot query: cannot build merged_cfg: %s\n",
                                strerror(-r));
                        return 1;
                }
        }
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
