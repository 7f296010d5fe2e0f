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
/* What raw user-data carries: cloud-config text (possibly empty) and, for a
 * "#!" script, the script. Formats this cloudboot does not handle are
 * reported, never silently dropped. name is used in messages. */
struct userdata {
        char *cloud_config;
        size_t cloud_config_len;
        char *script; /* run once per instance in the final stage (scripts_user) */
        size_t script_len;
};
int userdata_process(const char *data, size_t len, const char *name, size_t max,
                     struct userdata *ret);
void userdata_done(struct userdata *u);
