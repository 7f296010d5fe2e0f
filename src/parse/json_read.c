/* SPDX-License-Identifier: Apache-2.0 */
/* Reading JSON with json-c, loaded through dlopen on first use: only a boot
 * that meets a config drive or a metadata service reads JSON, and linking
 * json-c into every stage would cost each one its start-up. The json-c tree
 * becomes a struct node tree, so that datasources treat JSON meta-data and
 * YAML meta-data alike. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "dynlib.h"
#include "json.h"
#include "log.h"
#include "macro.h"
#include "yaml.h"

/* Deeper than any metadata service's document; bounds json-c's recursion and ours. */
#define JSON_DEPTH_MAX 64

static struct {
        void *lib;
        struct json_tokener *(*tokener_new_ex)(int);
        void (*tokener_free)(struct json_tokener *);
        void (*set_flags)(struct json_tokener *, int);
        struct json_object *(*parse_ex)(struct json_tokener *, const char *, int);
        enum json_tokener_error (*get_error)(struct json_tokener *);
        const char *(*error_desc)(enum json_tokener_error);
        size_t (*parse_end)(struct json_tokener *);
        int (*put)(struct json_object *);
        json_type (*get_type)(const struct json_object *);
        const char *(*get_string)(struct json_object *);
        int (*get_string_len)(const struct json_object *);
        json_bool (*get_boolean)(const struct json_object *);
        int64_t (*get_int64)(const struct json_object *);
        size_t (*array_length)(const struct json_object *);
        struct json_object *(*array_get_idx)(const struct json_object *, size_t);
        struct json_object_iterator (*iter_begin)(struct json_object *);
        struct json_object_iterator (*iter_end)(const struct json_object *);
        void (*iter_next)(struct json_object_iterator *);
        const char *(*iter_peek_name)(const struct json_object_iterator *);
        struct json_object *(*iter_peek_value)(const struct json_object_iterator *);
        json_bool (*iter_equal)(const struct json_object_iterator *,
                                const struct json_object_iterator *);
} jc;

static int load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(jc, tokener_new_ex, "json_tokener_new_ex"),
                DYNLIB_SYM(jc, tokener_free, "json_tokener_free"),
                DYNLIB_SYM(jc, set_flags, "json_tokener_set_flags"),
                DYNLIB_SYM(jc, parse_ex, "json_tokener_parse_ex"),
                DYNLIB_SYM(jc, get_error, "json_tokener_get_error"),
                DYNLIB_SYM(jc, error_desc, "json_tokener_error_desc"),
                DYNLIB_SYM(jc, parse_end, "json_tokener_get_parse_end"),
                DYNLIB_SYM(jc, put, "json_object_put"),
                DYNLIB_SYM(jc, get_type, "json_object_get_type"),
                DYNLIB_SYM(jc, get_string, "json_object_get_string"),
                DYNLIB_SYM(jc, get_string_len, "json_object_get_string_len"),
                DYNLIB_SYM(jc, get_boolean, "json_object_get_boolean"),
                DYNLIB_SYM(jc, get_int64, "json_object_get_int64"),
                DYNLIB_SYM(jc, array_length, "json_object_array_length"),
                DYNLIB_SYM(jc, array_get_idx, "json_object_array_get_idx"),
                DYNLIB_SYM(jc, iter_begin, "json_object_iter_begin"),
                DYNLIB_SYM(jc, iter_end, "json_object_iter_end"),
                DYNLIB_SYM(jc, iter_next, "json_object_iter_next"),
                DYNLIB_SYM(jc, iter_peek_name, "json_object_iter_peek_name"),
                DYNLIB_SYM(jc, iter_peek_value, "json_object_iter_peek_value"),
                DYNLIB_SYM(jc, iter_equal, "json_object_iter_equal"),
        };

        return dynlib_load(&jc, "libjson-c.so.5", syms, ELEMENTSOF(syms));
}

static struct node *convert(struct json_object *o, const char *file)
{
        struct node *n = NULL;

        switch (o ? jc.get_type(o) : json_type_null) {
        case json_type_null:
                n = node_new(NODE_NULL);
                break;
        case json_type_boolean:
                n = node_new_bool(jc.get_boolean(o));
                break;
        case json_type_int:
                n = node_new_int((long long)jc.get_int64(o));
                break;
        case json_type_double:
                n = node_new_str(jc.get_string(o));
                if (n)
                        n->type = NODE_FLOAT;
                break;
        case json_type_string:
                n = node_new_strn(jc.get_string(o), (size_t)jc.get_string_len(o));
                break;
        case json_type_array: {
                size_t len = jc.array_length(o);
                n = node_new(NODE_SEQ);
                for (size_t i = 0; n && i < len; i++)
                        if (node_append(n, convert(jc.array_get_idx(o, i), file)) < 0)
                                n = node_free(n);
                break;
        }
        case json_type_object: {
                struct json_object_iterator it = jc.iter_begin(o), end = jc.iter_end(o);
                n = node_new(NODE_MAP);
                for (; n && !jc.iter_equal(&it, &end); jc.iter_next(&it))
                        if (node_set(n, jc.iter_peek_name(&it),
                                     convert(jc.iter_peek_value(&it), file)) < 0)
                                n = node_free(n);
                break;
        }
        }
        if (n)
                n->file = file;
        return n;
}

/* The line and column of byte off in data, 1-based. */
static void position(const char *data, size_t off, struct yaml_error *err)
{
        err->line = 1;
        err->col = 1;
        for (size_t i = 0; i < off; i++) {
                if (data[i] == '\n') {
                        err->line++;
                        err->col = 1;
                } else
                        err->col++;
        }
}

int json_load(const char *data, size_t len, const char *name, struct node **ret,
              struct yaml_error *err)
{
        struct json_tokener *tok;
        struct json_object *o;
        enum json_tokener_error e;
        size_t end;
        int r;

        *err = (struct yaml_error){ 0 };
        r = load();
        if (r < 0) {
                (void)snprintf(err->msg, sizeof(err->msg), "libjson-c.so.5 cannot be loaded");
                return r;
        }
        if (len > INT32_MAX) {
                (void)snprintf(err->msg, sizeof(err->msg), "too large");
                return -E2BIG;
        }
        tok = jc.tokener_new_ex(JSON_DEPTH_MAX);
        if (!tok)
                return -ENOMEM;
        /* JSON as RFC 8259 has it (no comments, no trailing commas), in UTF-8. */
        jc.set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        o = jc.parse_ex(tok, data, (int)len);
        e = jc.get_error(tok);
        end = jc.parse_end(tok);
        /* A value at the top that is not an object or array ("null", 42)
         * is complete only where the input says it ends: json-c takes a NUL
         * as that end, and data need not have one after it. */
        if (e == json_tokener_continue && end == len) {
                o = jc.parse_ex(tok, "", 1);
                if (jc.get_error(tok) == json_tokener_success)
                        e = json_tokener_success;
                else /* still cut short: said as such, where it ends */
                        o = (jc.put(o), NULL);
        }
        jc.tokener_free(tok);
        if (e == json_tokener_success && end < len && strspn(data + end, " \t\r\n") < len - end) {
                position(data, end, err);
                (void)snprintf(err->msg, sizeof(err->msg), "unexpected data after the JSON value");
                (void)jc.put(o);
                return -EBADMSG;
        }
        if (e != json_tokener_success) {
                position(data, end, err);
                (void)snprintf(err->msg, sizeof(err->msg), "%s",
                               e == json_tokener_continue ? "unexpected end of the document"
                                                          : jc.error_desc(e));
                (void)jc.put(o);
                return -EBADMSG;
        }
        *ret = convert(o, node_intern_file(name));
        (void)jc.put(o);
        return *ret ? 0 : -ENOMEM;
}
