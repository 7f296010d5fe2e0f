/* SPDX-License-Identifier: Apache-2.0 */
/* systemd credentials: user-data, meta-data, vendor-data and network-config
 * handed to the machine as system credentials named cloudboot.user-data and
 * so on (QEMU: -smbios type=11,value=io.systemd.credential.binary:
 * cloudboot.user-data=BASE64, or fw_cfg opt/io.systemd.credentials/NAME).
 * systemd (252 and later) imports them into /run/credentials/@system before
 * any unit starts, so they are there for the local stage: no ISO, no network.
 * cloud-init has no such datasource. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "datasource.h"
#include "fs.h"
#include "log.h"

#define CREDENTIALS_DIR "/run/credentials/@system"

static int read_cred(int root_fd, const char *name, size_t max, char **ret, size_t *ret_len)
{
        char path[128];
        int r;

        (void)snprintf(path, sizeof(path), CREDENTIALS_DIR "/cloudboot.%s", name);
        r = fs_read_file(root_fd, path, max, ret, ret_len);
        if (r == -E2BIG)
                log_warning("%s is larger than %zu bytes; not used", path, max);
        return r;
}

static int credentials_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_free_ char *md = NULL;
        size_t md_len = 0;
        const char *dsmode;
        int r, rm, ru;

        rm = read_cred(ctx->root_fd, "meta-data", DS_METADATA_MAX, &md, &md_len);
        if (rm < 0 && rm != -ENOENT && rm != -E2BIG)
                return rm;
        ru = read_cred(ctx->root_fd, "user-data", ctx->user_data_max, &res->ud, &res->ud_len);
        if (ru < 0 && ru != -ENOENT && ru != -E2BIG)
                return ru;
        if (rm < 0 && ru < 0)
                return -ENOENT; /* neither is there: not this datasource */
        r = read_cred(ctx->root_fd, "vendor-data", ctx->user_data_max, &res->vd, &res->vd_len);
        if (r < 0 && r != -ENOENT && r != -E2BIG)
                return r;
        r = read_cred(ctx->root_fd, "network-config", DS_METADATA_MAX, &res->netcfg,
                      &res->netcfg_len);
        if (r < 0 && r != -ENOENT && r != -E2BIG)
                return r;

        res->md = md ? ds_parse_meta_data(md, md_len, CREDENTIALS_DIR "/cloudboot.meta-data")
                     : node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        /* An instance without meta-data is still one instance: the same
         * credentials on every boot give the same instance-id. */
        const struct node *iid = node_get(res->md, "instance-id");
        res->iid = strdup(iid && iid->type != NODE_NULL && iid->str ? iid->str
                                                                    : "iid-datasource-credentials");
        dsmode = node_get_str(res->md, "dsmode");
        if (dsmode && streq(dsmode, "disabled")) {
                log_info("Credentials: dsmode is disabled; not claiming the datasource");
                return -ENOENT;
        }
        if (dsmode && !streq(dsmode, "local") && !streq(dsmode, "net")) {
                log_warning("Credentials: meta-data dsmode '%.32s' is not local, net or "
                            "disabled; using net",
                            dsmode);
                dsmode = NULL;
        }
        res->dsmode = strdup(dsmode ? dsmode : "net");
        res->platform = strdup("credentials");
        res->subplatform = strdup("systemd-credentials (" CREDENTIALS_DIR ")");
        res->seed = strdup(CREDENTIALS_DIR);
        res->ud_name = strdup(CREDENTIALS_DIR "/cloudboot.user-data");
        if (!res->iid || !res->dsmode || !res->platform || !res->subplatform || !res->seed ||
            !res->ud_name)
                return -ENOMEM;
        return 0;
}

const struct datasource ds_credentials = {
        .name = "Credentials",
        .local = true,
        .probe = credentials_probe,
};
