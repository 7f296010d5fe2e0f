/* User-data format detection (see userdata.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "datasource.h"
#include "log.h"
#include "userdata.h"

static const struct {
        const char *prefix;
        enum ud_type type;
        const char *mime;
} starts[] = {
        /* longest first, as cloud-init sorts them */
        { "#cloud-config-archive", UD_ARCHIVE, "text/cloud-config-archive" },
        { "#cloud-config-jsonp", UD_JSONP, "text/cloud-config-jsonp" },
        { "## template: jinja", UD_JINJA, "text/jinja2" },
        { "#cloud-boothook", UD_BOOTHOOK, "text/cloud-boothook" },
        { "#part-handler", UD_PART_HANDLER, "text/part-handler" },
        { "#include-once", UD_INCLUDE_ONCE, "text/x-include-once-url" },
        { "#cloud-config", UD_CLOUD_CONFIG, "text/cloud-config" },
        { "#include", UD_INCLUDE, "text/x-include-url" },
        { "#!", UD_SCRIPT, "text/x-shellscript" },
};

enum ud_type userdata_type(const char *data, size_t len)
{
        size_t i = 0;

        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
                i++;
        if (i == len)
                return UD_EMPTY;
        for (size_t k = 0; k < ELEMENTSOF(starts); k++) {
                size_t pl = strlen(starts[k].prefix);
                if (len - i >= pl && strncasecmp(data + i, starts[k].prefix, pl) == 0) {
                        /* "#cloud-config" must be the whole word: "#cloud-configs" is not
                         * cloud-config (cloud-init compares the same prefixes, longest first). */
                        char next = len - i > pl ? data[i + pl] : '\n';
                        if (starts[k].type == UD_CLOUD_CONFIG && !strchr(" \t\r\n", next))
                                continue;
                        return starts[k].type;
                }
        }
        /* MIME is told by a MIME-Version header in the first 4096 bytes. */
        {
                size_t scan = len < 4096 ? len : 4096;
                for (size_t k = 0; k + 13 <= scan; k++)
                        if (strncasecmp(data + k, "mime-version:", 13) == 0 &&
                            (k == 0 || data[k - 1] == '\n'))
                                return UD_MIME;
        }
        return UD_UNKNOWN;
}

const char *userdata_type_name(enum ud_type t)
{
        for (size_t k = 0; k < ELEMENTSOF(starts); k++)
                if (starts[k].type == t)
                        return starts[k].mime;
        switch (t) {
        case UD_EMPTY:
                return "empty";
        case UD_MIME:
                return "multipart/mixed";
        default:
                return "text/x-not-multipart";
        }
}

void userdata_done(struct userdata *u)
{
        free_secret(u->cloud_config, u->cloud_config_len);
        free_secret(u->script, u->script_len);
        *u = (struct userdata){ 0 };
}

static char *copy_bytes(const char *data, size_t len)
{
        char *c = malloc(len + 1);
        if (c) {
                memcpy(c, data, len);
                c[len] = '\0';
        }
        return c;
}

int userdata_process(const char *data, size_t len, const char *name, size_t max,
                     struct userdata *ret)
{
        _cleanup_free_ char *plain = NULL;
        struct userdata u = { 0 };
        enum ud_type t;
        size_t plen = 0;
        int r;

        if (gzip_is(data, len)) {
                r = gzip_decode(data, len, max, &plain, &plen);
                if (r == -E2BIG)
                        return log_warning_errno(
                                r, "%s: gzip user-data expands past %zu bytes; ignored", name, max);
                if (r < 0)
                        return log_warning_errno(r, "%s: user-data is not valid gzip; ignored",
                                                 name);
                data = plain;
                len = plen;
        }
        t = userdata_type(data, len);
        if (t == UD_CLOUD_CONFIG) {
                u.cloud_config = copy_bytes(data, len);
                u.cloud_config_len = len;
        } else if (t == UD_SCRIPT) {
                u.script = copy_bytes(data, len);
                u.script_len = len;
        } else if (t == UD_UNKNOWN)
                log_warning("%s: unhandled non-multipart (text/x-not-multipart) user-data; "
                            "it does not start with #cloud-config",
                            name);
        else if (t != UD_EMPTY)
                log_warning("%s: user-data of type %s is not supported by this cloudboot; ignored",
                            name, userdata_type_name(t));
        if (!u.cloud_config)
                u.cloud_config = strdup("");
        if (plain)
                explicit_bzero(plain, plen);
        if (!u.cloud_config || (t == UD_SCRIPT && !u.script)) {
                userdata_done(&u);
                return -ENOMEM;
        }
        *ret = u;
        return 0;
}
