/* SPDX-License-Identifier: Apache-2.0 */
/* Reporting to Azure's wireserver (see azure_wireserver.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "azure_wireserver.h"
#include "azure_xml.h"
#include "log.h"
#include "valid.h"

#define GOAL_STATE_MAX (256u * 1024)
#define ATTEMPTS 5
#define ATTEMPT_PAUSE_MS 1000 /* cloud-init's retry_sleep */

/* cloud-init's AzureEndpointHttpClient headers */
static const char *const get_headers[] = { "x-ms-agent-name: WALinuxAgent",
                                           "x-ms-version: 2012-11-30", NULL };
static const char *const post_headers[] = { "x-ms-agent-name: WALinuxAgent",
                                            "x-ms-version: 2012-11-30",
                                            "Content-Type: text/xml; charset=utf-8", NULL };

static int text_of(const struct xml_elem *e, const char *what, char *ret, size_t size,
                   char *ret_why, size_t why_size)
{
        const char *bad;
        size_t a, n;

        if (!e) {
                (void)snprintf(ret_why, why_size, "the goal state has no %s", what);
                return -EBADMSG;
        }
        a = strspn(e->text, " \t\r\n");
        n = e->text_len - a;
        while (n > 0 && strchr(" \t\r\n", e->text[a + n - 1]))
                n--;
        if (n == 0 || n >= size) {
                (void)snprintf(ret_why, why_size, "%u:%u: %s is %s", e->line, e->col, what,
                               n ? "too long" : "empty");
                return -EBADMSG;
        }
        memcpy(ret, e->text + a, n);
        ret[n] = 0;
        bad = strlen(ret) == n ? valid_line(ret, size) : "holds a NUL";
        if (bad) {
                (void)snprintf(ret_why, why_size, "%u:%u: %s %s", e->line, e->col, what, bad);
                return -EBADMSG;
        }
        return 0;
}

int azure_goal_state_parse(const char *xml, size_t len, struct azure_goal_state *ret,
                           char *ret_why, size_t why_size)
{
        _cleanup_xml_ struct xml_elem *root = NULL;
        struct azure_goal_state gs = { 0 };
        const struct xml_elem *c, *ri;
        struct xml_error err;
        int r = xml_parse(xml, len, &root, &err);

        if (r < 0) {
                (void)snprintf(ret_why, why_size, "%u:%u: %s", err.line, err.col, err.msg);
                return r == -ENOPKG ? r : -EBADMSG;
        }
        if (!streq(root->name, "GoalState")) {
                (void)snprintf(ret_why, why_size, "the document is no GoalState");
                return -EBADMSG;
        }
        c = xml_child(root, NULL, "Container", NULL);
        ri = xml_child(xml_child(c, NULL, "RoleInstanceList", NULL), NULL, "RoleInstance", NULL);
        r = text_of(xml_child(root, NULL, "Incarnation", NULL), "Incarnation", gs.incarnation,
                    sizeof(gs.incarnation), ret_why, why_size);
        if (r >= 0)
                r = text_of(xml_child(c, NULL, "ContainerId", NULL), "Container/ContainerId",
                            gs.container_id, sizeof(gs.container_id), ret_why, why_size);
        if (r >= 0)
                r = text_of(xml_child(ri, NULL, "InstanceId", NULL),
                            "Container/RoleInstanceList/RoleInstance/InstanceId", gs.instance_id,
                            sizeof(gs.instance_id), ret_why, why_size);
        if (r < 0)
                return r;
        *ret = gs;
        return 0;
}

static int put_escaped(struct buf *b, const char *s, size_t max)
{
        int r = 0;

        for (size_t i = 0; s[i] && i < max && r >= 0; i++)
                switch (s[i]) {
                case '&':
                        r = buf_puts(b, "&amp;");
                        break;
                case '<':
                        r = buf_puts(b, "&lt;");
                        break;
                case '>':
                        r = buf_puts(b, "&gt;");
                        break;
                case '"':
                        r = buf_puts(b, "&quot;");
                        break;
                default:
                        /* control characters are not XML 1.0 text */
                        r = buf_putc(b, (unsigned char)s[i] < 0x20 && s[i] != '\n' &&
                                                        s[i] != '\t'
                                                ? ' '
                                                : s[i]);
                }
        return r;
}

int azure_health_report(const struct azure_goal_state *gs, const char *status,
                        const char *substatus, const char *description, struct buf *out)
{
        int r = buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                              "<Health xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                              " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n"
                              "  <GoalStateIncarnation>");
        if (r >= 0)
                r = put_escaped(out, gs->incarnation, sizeof(gs->incarnation));
        if (r >= 0)
                r = buf_puts(out, "</GoalStateIncarnation>\n  <Container>\n    <ContainerId>");
        if (r >= 0)
                r = put_escaped(out, gs->container_id, sizeof(gs->container_id));
        if (r >= 0)
                r = buf_puts(out, "</ContainerId>\n    <RoleInstanceList>\n      <Role>\n"
                                  "        <InstanceId>");
        if (r >= 0)
                r = put_escaped(out, gs->instance_id, sizeof(gs->instance_id));
        if (r >= 0)
                r = buf_puts(out, "</InstanceId>\n        <Health>\n          <State>");
        if (r >= 0)
                r = put_escaped(out, status, 64);
        if (r >= 0)
                r = buf_puts(out, "</State>\n");
        if (r >= 0 && substatus) {
                r = buf_puts(out, "          <Details>\n            <SubStatus>");
                if (r >= 0)
                        r = put_escaped(out, substatus, 64);
                if (r >= 0)
                        r = buf_puts(out, "</SubStatus>\n            <Description>");
                if (r >= 0)
                        r = put_escaped(out, description ? description : "",
                                        AZURE_DESCRIPTION_MAX);
                if (r >= 0)
                        r = buf_puts(out, "</Description>\n          </Details>\n");
        }
        if (r >= 0)
                r = buf_puts(out, "        </Health>\n      </Role>\n    </RoleInstanceList>\n"
                                  "  </Container>\n</Health>\n");
        return r;
}

static void pause_ms(unsigned ms)
{
        struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
        (void)nanosleep(&ts, NULL);
}

/* One request with cloud-init's persistence, bounded: a non-200 answer is
 * tried again up to ATTEMPTS times, a second apart, within the deadline. */
static int call(const struct ds_net *n, const char *base, const char *path, const char *method,
                const char *const *headers, const char *body, size_t body_len,
                struct http_response *ret)
{
        char url[DS_NET_URL_LEN + 64];
        struct http_request req = { .method = method,
                                    .headers = headers,
                                    .body_max = GOAL_STATE_MAX,
                                    .timeout_ms = n->timeout_ms,
                                    .body = body,
                                    .body_len = body_len };
        int r = -EIO;

        (void)snprintf(url, sizeof(url), "%s/%s", base, path);
        for (unsigned i = 0; i < ATTEMPTS; i++) {
                if (i > 0) {
                        if (n->retry.deadline_usec &&
                            http_now_usec() + ATTEMPT_PAUSE_MS * 1000ull >= n->retry.deadline_usec)
                                break;
                        pause_ms(ATTEMPT_PAUSE_MS);
                }
                r = http_fetch(url, &req, &n->retry, ret);
                if (r == -ECONNREFUSED || r == -EHOSTUNREACH || r == -ENOPKG)
                        return r; /* an answer: asking again changes nothing */
                if (r >= 0 && ret->status == 200)
                        return 0;
                if (r >= 0) {
                        http_response_done(ret);
                        r = -EPROTO;
                }
        }
        return r;
}

int azure_report(const struct ds_net *limits, const char *endpoint, const char *description)
{
        struct azure_goal_state gs;
        struct http_response resp;
        struct buf report = BUF_INIT(16 * 1024);
        char base[DS_NET_URL_LEN], why[256];
        int r;

        (void)snprintf(base, sizeof(base), "http://%s", endpoint);
        log_info("Azure: registering with the wireserver at %s", endpoint);
        r = call(limits, base, "machine/?comp=goalstate", NULL, get_headers, NULL, 0, &resp);
        if (r < 0)
                return log_warning_errno(r, "Azure: cannot fetch the goal state from %s: %m",
                                         endpoint);
        r = azure_goal_state_parse(resp.body, resp.len, &gs, why, sizeof(why));
        http_response_done(&resp);
        if (r < 0) {
                log_warning("%s/machine/?comp=goalstate:%s", base, why);
                return r;
        }
        r = azure_health_report(&gs, description ? "NotReady" : "Ready",
                                description ? "ProvisioningFailed" : NULL, description, &report);
        if (r >= 0)
                r = call(limits, base, "machine?comp=health", "POST", post_headers, report.data,
                         report.len, &resp);
        buf_free(&report);
        if (r < 0)
                return log_warning_errno(r,
                                         "Azure: the wireserver at %s did not take the health "
                                         "report (%s): %m",
                                         endpoint, description ? "failure" : "ready");
        http_response_done(&resp);
        if (description)
                log_warning("Azure: reported the provisioning failure to the wireserver "
                            "(container %s, instance %s)",
                            gs.container_id, gs.instance_id);
        else
                log_info("Azure: reported ready to the wireserver (container %s, instance %s)",
                         gs.container_id, gs.instance_id);
        return 0;
}
