/* SPDX-License-Identifier: Apache-2.0 */
/* phone_home (final stage, per instance): cloud-init's cc_phone_home. POSTs
 * the instance's host keys, instance-id, hostname and fqdn (those listed in
 * `post`, or all) form-encoded to `url` ($INSTANCE_ID substituted), trying
 * `tries` times (default 10) 3 seconds apart; a missing value is "N/A". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs.h"
#include "hostnames.h"
#include "http.h"
#include "log.h"
#include "module.h"
#include "template.h"

static const char *const post_names[] = {
        "pub_key_rsa", "pub_key_ecdsa", "pub_key_ed25519", "instance_id", "hostname", "fqdn", "all",
        NULL
};
static const struct schema s_str = { .types = T_STR };
static const struct schema s_name = { .types = T_STR, .enums = post_names };
static const struct schema s_post = { .types = T_STR | T_SEQ,
                                      .items = &s_name,
                                      .enums = post_names };
static const struct schema s_tries = { .types = T_INT };
static const struct schema_prop props[] = {
        { "url", &s_str, true },
        { "post", &s_post, false },
        { "tries", &s_tries, false },
        { NULL, NULL, false },
};
static const struct schema s_phone = { .types = T_MAP, .props = props, .closed = true };
static const struct schema_prop schema_keys[] = { { "phone_home", &s_phone, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "phone_home", NULL };

static bool wanted(const struct node *post, const char *name)
{
        if (!post || (node_str(post) && streq(post->str, "all")))
                return true;
        for (size_t i = 0; post->type == NODE_SEQ && i < post->n; i++)
                if (streq_ptr(node_str(post->items[i]), name))
                        return true;
        return false;
}

static int phone_home_run(const struct module_ctx *ctx)
{
        const struct node *ph = node_get(ctx->cfg, "phone_home");
        const struct node *post = node_get(ph, "post"), *tries_n = node_get(ph, "tries");
        struct hostnames_in in = { ctx->root_fd, ctx->root_is_host, ctx->cfg, ctx->md };
        struct host_names names = { 0 };
        char *keys[3] = { NULL, NULL, NULL };
        const char *key_names[] = { "rsa", "ecdsa", "ed25519" };
        struct http_field fields[7];
        struct buf url = BUF_INIT(8192);
        char shown[1024];
        long tries = tries_n && tries_n->i > 0 ? tries_n->i : 10, status = 0;
        size_t n = 0;
        int r;
        const struct template_var vars[] = { { "INSTANCE_ID", ctx->iid_raw },
                                             { "v1.instance_id", ctx->iid_raw },
                                             { NULL, NULL } };

        if (!ph)
                return 0;
        r = template_render(node_get_str(ph, "url"), vars, &url);
        if (r >= 0)
                r = buf_error(&url);
        if (r < 0) {
                buf_free(&url);
                return r;
        }
        /* What is recorded of the URL: never its user-info or query (tokens) */
        http_url_redact(url.data, shown, sizeof(shown));
        (void)hostnames_resolve(&in, &names);
        for (size_t i = 0; i < 3; i++) {
                char path[128], field[32];
                size_t len;
                (void)snprintf(path, sizeof(path), "/etc/ssh/ssh_host_%s_key.pub", key_names[i]);
                (void)snprintf(field, sizeof(field), "pub_key_%s", key_names[i]);
                if (!wanted(post, field))
                        continue;
                if (fs_read_file(ctx->root_fd, path, 64 * 1024, &keys[i], &len) >= 0)
                        while (len && keys[i][len - 1] == '\n')
                                keys[i][--len] = '\0';
                fields[n++] = (struct http_field){ post_names[i], keys[i] ? keys[i] : "N/A" };
        }
        if (wanted(post, "instance_id"))
                fields[n++] =
                        (struct http_field){ "instance_id", ctx->iid_raw ? ctx->iid_raw : "N/A" };
        if (wanted(post, "hostname"))
                fields[n++] =
                        (struct http_field){ "hostname", names.hostname ? names.hostname : "N/A" };
        if (wanted(post, "fqdn"))
                fields[n++] = (struct http_field){ "fqdn", names.fqdn ? names.fqdn : "N/A" };
        fields[n] = (struct http_field){ NULL, NULL };

        r = -EIO;
        for (long t = 1; t <= tries; t++) {
                char err[256] = "";
                r = http_post_form(url.data, fields, 10, &status, err, sizeof(err));
                if (r == -ENOPKG) {
                        log_warning("phone_home: libcurl cannot be loaded; nothing posted");
                        break;
                }
                if (r >= 0 && status >= 200 && status < 300) {
                        log_info("phone_home: posted %zu fields to %s", n, shown);
                        break;
                }
                log_info("phone_home: try %ld of %ld to %s failed: %s", t, tries, shown,
                         r < 0 ? err : "HTTP status not 2xx");
                r = -EIO;
                if (t < tries)
                        (void)nanosleep(&(struct timespec){ .tv_sec = 3 }, NULL);
        }
        if (r < 0 && r != -ENOPKG)
                log_warning("phone_home: posting to %s failed %ld times; giving up", shown, tries);
        for (size_t i = 0; i < 3; i++)
                free(keys[i]);
        host_names_done(&names);
        buf_free(&url);
        return r < 0 ? r : 0;
}

const struct module mod_phone_home = {
        .name = "phone_home",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = phone_home_run,
};
