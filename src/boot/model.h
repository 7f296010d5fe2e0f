/* SPDX-License-Identifier: Apache-2.0 */
/* The instance model: what processing user-data and vendor-data came to, built
 * once by the stage that consumes them and loaded by every later stage and
 * later boot with one read and no parsing or validation:
 *   - the user's and vendor-data's cloud-config, each merged from its parts and
 *     validated, with the file, line and column of every node;
 *   - the warnings that processing gave, for the stage that reports them;
 *   - the boothooks to run each boot;
 *   - whether it is complete (#include URLs that could not be fetched yet make
 *     it incomplete: the network stage then builds it again).
 * It is stored in a compact binary form (docs/pipeline.md) keyed by a digest of
 * its inputs, so a changed input is never served stale. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "node.h"
#include "state.h"

/* Per boot, written by the stage that checked the inputs, read by the others. */
#define MODEL_RUN RUN_DIR "/cloudboot-model"
/* Per instance, for the boots to come (MODEL_FILE in the instance directory). */
#define MODEL_FILE "cloudboot-model"

struct model_hook {
        char *path; /* the boothook's file in the instance directory */
        bool shebang; /* starts with #!: run as it is, else by /bin/sh */
};

struct model {
        uint64_t key; /* digest of the inputs (model_key_*) */
        char *iid; /* sanitised instance-id the model belongs to */
        bool complete;
        struct node *user; /* NULL when user-data has no cloud-config */
        struct node *vendor; /* NULL when vendor-data has none (or is disabled) */
        char **diags; /* warnings, in order, as they are to be logged */
        size_t n_diags;
        struct model_hook *hooks;
        size_t n_hooks;
};

void model_done(struct model *m);

/* The key: a digest chained over every input in turn. */
#define MODEL_KEY_INIT 14695981039346656037ull
uint64_t model_key_add(uint64_t key, const void *data, size_t len);
/* A tree as a file written from it shows it: types, bytes, values and
 * order, not the places they were read from (NULL counts too). */
uint64_t model_key_tree(uint64_t key, const struct node *n);

/* Add a warning (taking a copy), or a boothook. */
int model_add_diag(struct model *m, const char *msg);
/* Each line of lines (as log_defer_warnings() collects them, each ended by a
 * newline; NULL for none) as a warning. The newlines are overwritten. */
int model_add_diag_lines(struct model *m, char *lines);
int model_add_hook(struct model *m, const char *path, bool shebang);

/* The digest of the stored form: over the key and the payload. */
uint64_t model_digest(uint64_t key, const void *payload, size_t len);
/* The model as bytes (the stored form); max bounds the result. */
int model_encode(const struct model *m, size_t max, struct buf *ret);
/* Bytes back into a model; -EBADMSG when they are not a whole, intact model. */
int model_decode(const void *data, size_t len, struct model *ret);

/* Store at path (0600, atomically), or load from it. Loading checks the key
 * when want_key is not 0 and the instance when iid is not NULL; -ESTALE when
 * either differs, -ENOENT when there is none. */
int model_store(int root_fd, const char *path, const struct model *m);
int model_load(int root_fd, const char *path, uint64_t want_key, const char *iid,
               struct model *ret);

/* One tree stored alone under key (the shadows below, the instance's kept
 * copies, the parsed meta-data): model_store() and model_load() of a model
 * that holds only it. Loading gives -ESTALE for another key and -EBADMSG for
 * a copy with no tree. */
int model_store_tree(int root_fd, const char *path, uint64_t key, const struct node *tree);
int model_load_tree(int root_fd, const char *path, uint64_t key, struct node **ret);

/* A JSON file cloudboot writes and reads again (status.json, the sensitive
 * instance data), kept as well in this binary form so that later stages read
 * it without a JSON parser (json-c then stays unloaded on a provisioned
 * boot). The copy serves only while the JSON file is the very one it was
 * stored for: its key is the file's device, inode, size and times, and every
 * write replaces the file (a new inode). -ESTALE or -ENOENT: read the JSON. */
int model_shadow_store(int root_fd, const char *shadow, const char *json, const struct node *tree);
int model_shadow_load(int root_fd, const char *shadow, const char *json, struct node **ret);
