/* SPDX-License-Identifier: Apache-2.0 */
/* ds= parsing for NoCloud (see cmdline.h), as cloud-init's parse_cmdline_data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "macro.h"

#define CMDLINE_MAX 4096

bool cmdline_has_word(const char *line, const char *word)
{
        size_t wl = strlen(word);

        for (const char *p = line; (p = strstr(p, word)); p += wl) {
                bool start = p == line || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n';
                char end = p[wl];
                if (start && (end == '\0' || end == ' ' || end == '\t' || end == '\n'))
                        return true;
        }
        return false;
}

static int set_key(struct node *md, const char *key, size_t klen, const char *val, size_t vlen)
{
        static const struct {
                const char *s, *l;
        } short2long[] = { { "h", "local-hostname" }, { "i", "instance-id" }, { "s", "seedfrom" } };
        char name[64];

        if (klen == 0 || klen >= sizeof(name))
                return 0;
        memcpy(name, key, klen);
        name[klen] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(short2long); i++)
                if (streq(name, short2long[i].s))
                        (void)snprintf(name, sizeof(name), "%s", short2long[i].l);
        return node_set(md, name, val ? node_new_strn(val, vlen) : node_new(NODE_NULL));
}

int cmdline_parse_nocloud(const char *line, struct node *md, bool *ret_net)
{
        const char *tok = NULL, *p;
        size_t len;
        bool net = false;

        if (!line || strnlen(line, CMDLINE_MAX + 1) > CMDLINE_MAX)
                return 0;
        /* The last ds= word naming nocloud wins, as it does in cloud-init. */
        for (p = line; *p;) {
                const char *w;
                p += strspn(p, " \t\n");
                w = p;
                p += strcspn(p, " \t\n");
                len = (size_t)(p - w);
                if (len >= 10 && strncmp(w, "ds=nocloud", 10) == 0) {
                        const char *rest = w + 10;
                        bool is_net = len >= 14 && strncmp(rest, "-net", 4) == 0;
                        const char *after = is_net ? rest + 4 : rest;
                        if (after == w + len || *after == ';') {
                                tok = w;
                                net = is_net;
                        }
                }
        }
        if (!tok)
                return 0;
        len = strcspn(tok, " \t\n");
        p = memchr(tok, ';', len);
        while (p && p < tok + len) {
                const char *item = p + 1, *end = memchr(item, ';', (size_t)(tok + len - item));
                const char *eq;
                size_t ilen;
                int r;

                if (!end)
                        end = tok + len;
                ilen = (size_t)(end - item);
                eq = memchr(item, '=', ilen);
                if (ilen > 0) {
                        if (eq)
                                r = set_key(md, item, (size_t)(eq - item), eq + 1,
                                            (size_t)(end - eq - 1));
                        else
                                r = set_key(md, item, ilen, NULL, 0);
                        if (r < 0)
                                return r;
                }
                p = end < tok + len ? end : NULL;
        }
        if (ret_net)
                *ret_net = net;
        return 1;
}

int cmdline_datasource(const char *line, char *ret, size_t size)
{
        static const char *const keys[] = { "ds=", "ci.ds=", "ci.datasource=" };
        int found = 0;

        for (const char *p = line; *p;) {
                size_t n = strcspn(p, " \t\n");
                for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
                        size_t kl = strlen(keys[k]);
                        if (n > kl && strncmp(p, keys[k], kl) == 0) {
                                size_t vl = strcspn(p + kl, "; \t\n");
                                (void)snprintf(ret, size, "%.*s", (int)vl, p + kl);
                                found = vl > 0;
                        }
                }
                p += n;
                p += strspn(p, " \t\n");
        }
        return found;
}
