/* SPDX-License-Identifier: Apache-2.0 */
/* The ConfigObj editor of the mcollective and landscape modules
 * (modules/ext/configobj.h): an existing file (the first line of the input
 * after the first byte is a value, the rest the file) is read, a setting is
 * set to the value when the module would accept it, written and read back:
 * the setting must read back as the value, and every other line stay a line
 * (no value adds a key or a section). */
#include "fuzz.h"
#include "macro.h"
#include "node.h"

#include "configobj.h"

static size_t count_keys(const struct cobj *c)
{
        size_t n = 0;

        for (size_t i = 0; i < c->n; i++)
                n += c->l[i].key != NULL;
        return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct cobj *a, *b;
        struct buf out = BUF_INIT(1u << 22);
        const char *section;
        char *s, *nl, *value;

        if (size < 1)
                return 0;
        fuzz_quiet();
        s = fuzz_str(data + 1, size - 1);
        if (!s)
                return 0;
        section = data[0] & 1 ? "client" : "";
        nl = strchr(s, '\n');
        value = s;
        if (nl)
                *nl = '\0';
        a = calloc(1, sizeof(*a));
        b = calloc(1, sizeof(*b));
        if (a && b && !cobj_value_why(value) && cobj_read(a, nl ? nl + 1 : "") >= 0 &&
            cobj_set(a, section, "fuzz_key", value) >= 0) {
                cobj_write(a, &out);
                if (buf_error(&out) == 0 && out.data && cobj_read(b, out.data) >= 0) {
                        const char *got = cobj_get(b, section, "fuzz_key");
                        /* a file that already held fuzz_key earlier may shadow it */
                        if (!got || (strcmp(got, value) != 0 && count_keys(a) == 1)) {
                                fprintf(stderr, "value '%s' reads back as '%s':\n%s\n", value,
                                        got ? got : "(none)", out.data);
                                abort();
                        }
                        if (count_keys(b) != count_keys(a)) {
                                fprintf(stderr, "%zu settings written, %zu read back:\n%s\n",
                                        count_keys(a), count_keys(b), out.data);
                                abort();
                        }
                }
        }
        if (a)
                cobj_done(a);
        if (b)
                cobj_done(b);
        free(a);
        free(b);
        buf_free(&out);
        free(s);
        return 0;
}
