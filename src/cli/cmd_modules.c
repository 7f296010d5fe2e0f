/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot modules` without --mode: every module known, built in or
 * external, with its stage, frequency, source and whether this boot's lists
 * name it; then the names the lists give that no module answers to. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "external.h"
#include "fs.h"
#include "module.h"
#include "runner.h"
#include "stage.h"

/* The stage whose list in cfg names the module, and the frequency it gives. */
static bool listed_in(const struct node *cfg, const struct module *m, enum stage_kind *ret_stage,
                      enum freq *ret_freq)
{
        struct runner_entry e[RUNNER_LIST_MAX];

        for (enum stage_kind k = STAGE_INIT; k <= STAGE_FINAL; k++) {
                size_t n = runner_stage_entries(cfg, k, false, e, ELEMENTSOF(e));
                for (size_t i = 0; i < n; i++)
                        if (streq(e[i].name, m->name)) {
                                *ret_stage = k;
                                *ret_freq = e[i].has_freq ? e[i].freq : m->freq;
                                return true;
                        }
        }
        return false;
}

int cmd_modules(const char *root)
{
        _cleanup_close_ int root_fd = fs_open_root(root);
        _cleanup_node_ struct node *cfg = NULL;
        struct runner_entry e[RUNNER_LIST_MAX];
        int r;

        if (root_fd < 0) {
                fprintf(stderr, "cloudboot modules: cannot open %s: %s\n", root,
                        strerror(-root_fd));
                return 1;
        }
        r = stage_merged_config(root_fd, &cfg);
        if (r < 0) {
                fprintf(stderr, "cloudboot modules: cannot read the config: %s\n", strerror(-r));
                return 1;
        }
        r = external_load(root_fd);
        if (r < 0) {
                fprintf(stderr, "cloudboot modules: cannot load external modules: %s\n",
                        strerror(-r));
                return 1;
        }
        printf("%-32s %-15s %-18s %-6s %s\n", "MODULE", "STAGE", "FREQUENCY", "LISTED", "SOURCE");
        for (const struct module *const *m = module_all(); *m; m++) {
                enum stage_kind stage = module_default_stage(*m);
                enum freq freq = (*m)->freq;
                bool own = stage == STAGE_LOCAL && !(*m)->ext;
                bool listed = own || listed_in(cfg, *m, &stage, &freq);

                printf("%-32s %-15s %-18s %-6s %s%s\n", (*m)->name, stage_kind_name(stage),
                       freq_name(freq),
                       own      ? "own"
                       : listed ? "yes"
                                : "no",
                       (*m)->source ? (*m)->source : "built-in",
                       (*m)->ext && external_replaces(*m) ? " (replaces the built-in)" : "");
        }
        /* listed names nothing answers to: cloud-init modules cloudboot lacks, or typos */
        for (enum stage_kind k = STAGE_INIT; k <= STAGE_FINAL; k++) {
                size_t n = runner_stage_entries(cfg, k, false, e, ELEMENTSOF(e));
                for (size_t i = 0; i < n; i++)
                        if (!module_find(e[i].name))
                                printf("%-32s %-15s %-18s %-6s %s\n", e[i].name, stage_kind_name(k),
                                       e[i].has_freq ? freq_name(e[i].freq) : "-", "yes",
                                       module_is_cloud_init_name(e[i].name)
                                               ? "missing (a cloud-init module cloudboot lacks)"
                                               : "missing (no such module)");
        }
        return 0;
}

int cmd_modules_load(const char *root)
{
        _cleanup_close_ int root_fd = fs_open_root(root);

        if (root_fd < 0)
                return root_fd;
        return external_load(root_fd);
}
