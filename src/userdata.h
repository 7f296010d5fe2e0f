/* User-data: undo gzip, tell the format from the first line (as cloud-init
 * does: leading white space skipped, case ignored, longest prefix first), and
 * return the cloud-config part. */
#pragma once

#include <stddef.h>

enum ud_type {
        UD_EMPTY,
        UD_CLOUD_CONFIG,
        UD_SCRIPT,
        UD_INCLUDE,
        UD_INCLUDE_ONCE,
        UD_BOOTHOOK,
        UD_ARCHIVE,
        UD_JINJA,
        UD_MIME,
        UD_PART_HANDLER,
        UD_JSONP,
        UD_UNKNOWN,
};

enum ud_type userdata_type(const char *data, size_t len);
const char *userdata_type_name(enum ud_type t);
/* Turn raw user-data into the cloud-config text it carries (possibly empty).
 * Formats this cloudboot does not handle are reported, never silently
 * dropped. name is used in messages. */
int userdata_cloud_config(const char *data, size_t len, const char *name, size_t max, char **ret,
                          size_t *ret_len);
