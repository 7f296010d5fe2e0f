/* SPDX-License-Identifier: Apache-2.0 */
/* Parsed meta-data kept across boots (see md_memo.h). */
#include <string.h>

#include "datasource.h"
#include "log.h"
#include "md_memo.h"
#include "model.h"

static int memo_root_fd = -1;

static uint64_t memo_key(const char *data, size_t len, const char *name)
{
        uint64_t k = model_key_add(MODEL_KEY_INIT, PACKAGE_VERSION, strlen(PACKAGE_VERSION));

        k = model_key_add(k, name, strlen(name));
        return model_key_add(k, data, len);
}

static struct node *memo_load(const char *data, size_t len, const char *name)
{
        struct node *md = NULL;

        if (memo_root_fd < 0 ||
            model_load_tree(memo_root_fd, MD_MEMO_FILE, memo_key(data, len, name), &md) < 0)
                return NULL;
        if (md->type != NODE_MAP)
                return node_free(md);
        log_debug("meta-data: %s serves %s (the same bytes)", MD_MEMO_FILE, name);
        return md;
}

static void memo_store(const char *data, size_t len, const char *name, const struct node *md)
{
        int r;

        if (memo_root_fd < 0)
                return;
        r = model_store_tree(memo_root_fd, MD_MEMO_FILE, memo_key(data, len, name), md);
        if (r < 0)
                log_debug_errno(r, "Cannot store %s: %m", MD_MEMO_FILE);
}

static const struct ds_md_memo memo = { .load = memo_load, .store = memo_store };

void md_memo_enable(int root_fd)
{
        memo_root_fd = root_fd;
        ds_set_meta_data_memo(&memo);
}

void md_memo_disable(void)
{
        memo_root_fd = -1;
        ds_set_meta_data_memo(NULL);
}
