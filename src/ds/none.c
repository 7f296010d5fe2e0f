/* SPDX-License-Identifier: Apache-2.0 */
/* The None datasource: found last, when nothing else is, so that system
 * configuration alone still provisions the machine (cloud-init's
 * DataSourceNone, with its instance-id). */
#include <string.h>

#include "datasource.h"

static int none_probe(const struct ds_ctx *ctx, struct ds_result *ret)
{
        (void)ctx;
        ret->iid = strdup("iid-datasource-none");
        ret->dsmode = strdup("net");
        ret->platform = strdup("none");
        ret->subplatform = strdup("config");
        ret->md = node_new(NODE_MAP);
        if (!ret->iid || !ret->dsmode || !ret->platform || !ret->subplatform || !ret->md)
                return -ENOMEM;
        return 0;
}

const struct datasource ds_none = {
        .name = "None",
        .local = false,
        .probe = none_probe,
};
