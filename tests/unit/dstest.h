/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the datasource tests: probe the target's datasource_list with
 * its system config, as a stage does. */
#pragma once

#include "testlib.h"
#include "datasource.h"
#include "syscfg.h"

static inline int ds_probe_troot(struct troot *t, bool local, struct ds_result *res)
{
        struct node *cfg = NULL;
        struct limits lim;
        int r;

        assert_int_equal(syscfg_load(t->fd, &cfg), 0);
        syscfg_limits(cfg, &lim);
        struct ds_ctx ctx = { .root_fd = t->fd,
                              .syscfg = cfg,
                              .local_stage = local,
                              .user_data_max = lim.user_data_max };
        r = ds_find(&ctx, res);
        node_free(cfg);
        return r;
}
