/* SPDX-License-Identifier: Apache-2.0 */
/* The CloudStack/Exoscale password server client (see pwserver.h). */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mdsvc.h"
#include "pwserver.h"

static const char *const ask[] = { "DomU_Request: send_my_password", NULL };
static const char *const ack[] = { "DomU_Request: saved_password", NULL };

static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int pwserver_fetch(const struct ds_net *n, const char *url, bool strip, char **ret)
{
        struct http_response resp;
        const char *p;
        size_t len;
        char *pw;
        int r;

        /* a little more than a password: the white space around it */
        r = md_get(n, url, NULL, NULL, ask, PWSERVER_PASSWORD_MAX + 64, &resp);
        if (r == -ENOENT)
                r = -EPROTO; /* a 404 is not "no password" to cloud-init either */
        if (r < 0)
                return r;
        p = resp.body ? resp.body : "";
        len = resp.len;
        if (strip) {
                while (len > 0 && is_space(*p))
                        p++, len--;
                while (len > 0 && is_space(p[len - 1]))
                        len--;
        }
        if (len == 0 || (len == 14 && memcmp(p, "saved_password", 14) == 0)) {
                http_response_done(&resp);
                *ret = NULL;
                return 0;
        }
        if (len == 11 && memcmp(p, "bad_request", 11) == 0) {
                http_response_done(&resp);
                return -EPROTO;
        }
        r = len > PWSERVER_PASSWORD_MAX ? -EBADMSG : 0;
        for (size_t i = 0; i < len && r >= 0; i++)
                if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
                        r = -EBADMSG;
        pw = r >= 0 ? strndup(p, len) : NULL;
        http_response_done(&resp);
        if (r < 0)
                return r;
        if (!pw)
                return -ENOMEM;
        /* the acknowledgement: its answer does not matter, as in cloud-init,
         * but a failure does (the server would give the password again) */
        r = md_get(n, url, NULL, NULL, ack, 1024, &resp);
        if (r == -ENOENT)
                r = -EPROTO;
        if (r < 0) {
                free_secret(pw, len);
                return r;
        }
        http_response_done(&resp);
        *ret = pw;
        return 0;
}

int pwserver_config(const char *password, struct node **ret)
{
        _cleanup_node_ struct node *cfg = node_new(NODE_MAP);
        struct node *chpasswd = node_new(NODE_MAP);
        int r = cfg && chpasswd ? 0 : -ENOMEM;

        if (r >= 0)
                r = node_set(chpasswd, "expire", node_new_bool(false));
        if (r >= 0)
                r = node_set(cfg, "chpasswd", TAKE_PTR(chpasswd));
        node_free(chpasswd);
        if (r >= 0)
                r = node_set(cfg, "ssh_pwauth", node_new_bool(true));
        if (r >= 0)
                r = node_set(cfg, "password", node_new_str(password));
        if (r < 0) {
                ds_node_free_secret(TAKE_PTR(cfg));
                return r;
        }
        *ret = TAKE_PTR(cfg);
        return 0;
}

int pwserver_take(const char *who, const char *url, int r, char *pw, struct node **ret_cfg)
{
        if (r == -EBADMSG)
                log_warning("%s: the password server at %s gave no usable password "
                            "(control characters, or longer than %d bytes)",
                            who, url, PWSERVER_PASSWORD_MAX);
        else if (r >= 0 && !pw)
                log_info("%s: the password server at %s has no password for this machine "
                         "(none, or already saved)",
                         who, url);
        if (r < 0 && r != -ENOMEM)
                return 0;
        if (r < 0 || !pw)
                return r;
        r = pwserver_config(pw, ret_cfg);
        free_secret(pw, strlen(pw));
        if (r >= 0)
                log_info("%s: a password for the default user from the password server at %s "
                         "(acknowledged)",
                         who, url);
        return r;
}
