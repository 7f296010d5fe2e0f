/* SPDX-License-Identifier: Apache-2.0 */
/* Repository INI values (src/system/repofile.c) from a YAML document: each
 * value of the top mapping rendered in both styles. Whatever the input, no
 * value may start a line of its own: ConfigParser continuations are "\n\t",
 * ConfigObj's line breaks stay inside triple quotes. */
#include "fuzz.h"
#include "repofile.h"

static void check(const struct buf *b, enum repofile_style style)
{
        const char *s = b->data ? b->data : "";
        for (const char *nl = strchr(s, '\n'); nl; nl = strchr(nl + 1, '\n')) {
                if (style == REPOFILE_CONFIGPARSER && nl[1] != '\t')
                        abort();
                if (style == REPOFILE_CONFIGOBJ && strncmp(nl + 1, "    ", 4) != 0)
                        abort();
                if (style == REPOFILE_CONFIGOBJ && !strstr(s, "'''") && !strstr(s, "\"\"\""))
                        abort();
        }
        if (strchr(s, '\r'))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct yaml_error err;
        struct node *doc = NULL;
        char key[64];

        fuzz_quiet();
        if (yaml_load((const char *)data, size, "fuzz", NULL, &doc, &err) < 0 || !doc)
                return 0;
        for (size_t i = 0; doc->type == NODE_MAP && i + 1 < doc->n; i += 2) {
                for (int st = REPOFILE_CONFIGPARSER; st <= REPOFILE_CONFIGOBJ; st++) {
                        struct buf b = BUF_INIT(1u << 20);
                        bool bad = false;
                        (void)repofile_put_value(&b, doc->items[i + 1], (enum repofile_style)st,
                                                 "fuzz", &bad);
                        if (!bad)
                                check(&b, (enum repofile_style)st);
                        buf_free(&b);
                }
                (void)repofile_key(node_str(doc->items[i]), key, sizeof(key));
        }
        node_free(doc);
        return 0;
}
