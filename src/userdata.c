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

int userdata_cloud_config(const char *data, size_t len, const char *name, size_t max, char **ret,
                          size_t *ret_len)
{
        _cleanup_free_ char *plain = NULL;
        enum ud_type t;
        int r;

        if (gzip_is(data, len)) {
                size_t plen;
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
                char *copy = malloc(len + 1);
                if (!copy)
                        return -ENOMEM;
                memcpy(copy, data, len);
                copy[len] = '\0';
                *ret = copy;
                *ret_len = len;
                return 0;
        }
        if (t == UD_UNKNOWN)
                log_warning("%s: unhandled non-multipart (text/x-not-multipart) user-data; "
                            "it does not start with #cloud-config",
                            name);
        else if (t != UD_EMPTY)
                log_warning("%s: user-data of type %s is not supported by this cloudboot; ignored",
                            name, userdata_type_name(t));
        *ret = strdup("");
        *ret_len = 0;
        return *ret ? 0 : -ENOMEM;
}
