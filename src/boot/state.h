/* SPDX-License-Identifier: Apache-2.0 */
/* Instance state, laid out as cloud-init lays it out:
 *   /var/lib/cloud/data/{instance-id,previous-instance-id,previous-datasource}
 *   /var/lib/cloud/instance -> /var/lib/cloud/instances/<iid>
 *   /var/lib/cloud/instances/<iid>/{user-data.txt,vendor-data.txt,datasource,sem/,
 *                                  scripts/,handlers/}
 *   /run/cloud-init/{instance-data.json,instance-data-sensitive.json,.instance-id,
 *                    cloud-id-<id>,cloud-id -> cloud-id-<id>}
 * and the semaphores that give modules their frequencies. */
#pragma once

#include <stdbool.h>

#include "datasource.h"
#include "module.h"
#include "node.h"

#define CLOUD_DIR "/var/lib/cloud"
#define RUN_DIR "/run/cloud-init"
#define INSTANCE_DATA RUN_DIR "/instance-data.json"
/* Present when modules-config has nothing to run this boot: its unit is not
 * started (stage.c, plan_config_stage). */
#define CONFIG_SKIP RUN_DIR "/cloudboot-skip-config"
#define INSTANCE_DATA_SENSITIVE RUN_DIR "/instance-data-sensitive.json"
/* What state_restore() read of it, for the stages after (model_shadow_*). */
#define INSTANCE_SHADOW RUN_DIR "/cloudboot-instance"
#define COMBINED_CLOUD_CONFIG RUN_DIR "/combined-cloud-config.json"

/* What later stages need of the datasource that an earlier stage found. */
struct instance {
        char *iid; /* sanitised: usable as a path component */
        char *iid_raw;
        char *dsname;
        char *description; /* "DataSourceNoCloud [seed=...]" */
        char *dsmode;
        char *platform;
        char *subplatform;
        char *ud_name;
        struct node *md;
};

void instance_done(struct instance *inst);
/* instance-id to a single path component: '/' becomes '_', as in cloud-init;
 * control characters too, and "." or ".." can never name a parent. */
int state_iid_path(const char *iid, char **ret);
/* Record the instance of a datasource just found: data/instance-id and
 * previous-instance-id, the instance link, raw user-data and vendor-data
 * (0600). *ret_new says whether this is a new instance. */
int state_store(int root_fd, const struct ds_result *r, bool *ret_new);
/* The same; user-data.txt and vendor-data.txt are left as they are unless
 * write_raw (the instance model proved they hold these bytes already). */
int state_store_instance(int root_fd, const struct ds_result *r, bool write_raw, bool *ret_new);
/* The init stage taking the instance init-local found records it again, as
 * cloud-init's does: previous-instance-id and previous-datasource then hold
 * what init-local wrote (on a first boot: the current ones). */
int state_reflect(int root_fd, const struct instance *inst);
/* /run/cloud-init/cloud-id-<cloud_id> ("<cloud_id>\n") and the cloud-id link
 * to it, as cloud-init writes them; the file of an earlier cloud-id goes. */
int state_write_cloud_id(int root_fd, const char *cloud_id);
/* Write instance-data.json (0644, no secrets) and the sensitive one (0600). */
/* plat may be NULL: the hypervisor is then left out. syscfg is the system
 * config the stage loaded (NULL: read here), so it is not read again.
 * cache (NULL: none), a file of the instance's (0600): the two files and the
 * shadow as they were last made, under a digest of every input of theirs
 * (syscfg_digest stands for syscfg's); when the digest is this boot's, they
 * are written from it and not made again. */
int state_write_instance_data(int root_fd, const struct ds_result *r, const struct platform *plat,
                              const char *description, const struct node *syscfg,
                              uint64_t syscfg_digest, const char *cache);
/* The cache's name in the instance's directory. */
#define INSTANCE_DATA_CACHE "cloudboot-instance-data"
/* /run/cloud-init/combined-cloud-config.json (0600), as cloud-init writes it
 * where it consumed user-data: the merged configuration (system, vendor,
 * user) with its _doc, system_info apart. cloud-init's feature flags are
 * not written: they describe cloud-init's code. */
/* key (0: none), a digest of cfg's inputs, and cache (NULL: none) as for
 * state_write_instance_data(). */
int state_write_combined_config(int root_fd, const struct node *cfg, uint64_t key,
                                const char *cache);
/* The cache's name in the instance's directory. */
#define COMBINED_CONFIG_CACHE "cloudboot-combined-config"
/* Restore the instance from instance-data-sensitive.json; -ENOENT when no
 * stage of this boot found a datasource. */
int state_restore(int root_fd, struct instance *ret);
/* The stage that has just written instance-data-sensitive.json from full
 * leaves the copy state_restore() reads, made from the tree as reading the
 * file back would give it (state_shadow_of()), and stores it after the file
 * (state_shadow_store()): the later stages do not parse the JSON. */
int state_shadow_of(const struct node *full, struct node **ret);
int state_shadow_store(int root_fd, const struct node *sub);
/* Fill inst from a fresh datasource result (copies). */
int instance_from_result(const struct ds_result *r, const char *description, struct instance *ret);

bool state_sem_has(int root_fd, const char *iid, const char *name, enum freq f);
int state_sem_set(int root_fd, const char *iid, const char *name, enum freq f);
/* An instance semaphore by its file name in sem/ ("consume_data"). */
bool state_sem_has_file(int root_fd, const char *iid, const char *file);
int state_sem_set_file(int root_fd, const char *iid, const char *file);
/* Seconds since boot, for status.json and boot-finished. */
double state_uptime(void);
