/* SPDX-License-Identifier: Apache-2.0 */
/* User-data: undo gzip, tell the format from the first line (as cloud-init
 * does: leading white space skipped, case ignored, longest prefix first) or
 * the MIME type, and take every part for what it is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "node.h"

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
/* A file that processing user-data produced. */
struct ud_file {
        char path[256]; /* absolute in the target: .../instances/IID/scripts/part-001 */
        char *data;
        size_t len;
        mode_t mode;
};

/* Where and how user-data is processed. */
struct ud_env {
        int root_fd;
        const char *iid; /* sanitised instance-id: the instance directory */
        const char *name; /* the user-data's source, for messages */
        const struct node *vars; /* instance-data, for jinja templates (may be NULL) */
        /* Or, when vars is NULL, read them the first time a template is met:
         * most user-data has none, and reading instance-data costs. */
        struct node *(*load_vars)(void *userdata);
        void *vars_userdata;
        size_t max; /* bytes of user-data, of any part, of what gzip gives */
        bool fetch; /* #include URLs may be fetched (the network is up) */
        bool report; /* report schema problems of the cloud-config parts */
        bool vendor; /* vendor-data: its scripts go to scripts/vendor */
};

/* What user-data (every format, cloud-init's rules) comes to. */
struct userdata {
        struct node *cfg; /* the cloud-config parts merged; NULL when there are none */
        struct ud_file *files; /* scripts, boothooks, per-boot/instance/once scripts */
        size_t n_files;
        struct buf processed; /* user-data.txt.i: every part, as MIME */
        char boundary[48]; /* its boundary, random as Python's email makes it */
        unsigned parts, errors;
        unsigned deferred_includes; /* #include URLs left for when the network is up */
        unsigned cfg_parts; /* cloud-config parts merged into cfg, each validated */
        /* For cloud-config.txt, as cloud-init writes it: "# NAME\n" for each
         * part merged, "# Cloud-config part ignored SCHEMA_ERROR: NAME\n" for
         * each that was not a mapping; cfg_seen when there was any part. */
        struct buf cfg_names, cfg_errors;
        bool cfg_seen;
};

/* Process user-data (len bytes) as cloud-init does: gzip undone, the format
 * told from the first line or the MIME type, MIME multipart walked, includes
 * fetched, archives and jinja templates expanded, cloud-config parts merged
 * by their merge rules. Problems are reported naming the part; the parts that
 * are valid still count. < 0 only when memory runs out. */
int userdata_process(const char *data, size_t len, const struct ud_env *env, struct userdata *ret);
void userdata_done(struct userdata *u);
