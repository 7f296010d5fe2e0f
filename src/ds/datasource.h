/* SPDX-License-Identifier: Apache-2.0 */
/* Datasources: a registry of const descriptors probed in the order that
 * datasource_list gives. A probe fills struct ds_result or says "not here"
 * (-ENOENT); network sources slot in later without touching the core. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "node.h"
#include "platform.h"

#define DS_USERDATA_MAX (16u * 1024 * 1024)
#define DS_METADATA_MAX (1u * 1024 * 1024)

struct ds_ctx {
        int root_fd;
        const struct node *syscfg;
        bool local_stage; /* init-local: no network yet */
        bool probe_devices; /* block devices may be scanned for seed labels */
        size_t user_data_max; /* bytes of user-data and vendor-data (syscfg_limits) */
        const struct platform *plat; /* detected once per boot; NULL in some tests */
        /* set by ds_find: the list probed was written by someone (ds= on the
         * kernel command line, datasource_list in a file), so its network
         * datasources are probed even off their cloud */
        bool named;
};

struct ds_result {
        const struct datasource *ds;
        char *iid; /* instance-id as given */
        char *dsmode; /* "local" or "net" */
        char *platform; /* "nocloud" */
        const char *cloud_name; /* static; "aws" for platform "ec2"; NULL: the platform */
        char *subplatform; /* "seed-dir (/var/lib/cloud/seed/nocloud)" */
        char *seed; /* where the data came from, for messages */
        struct node *md; /* meta-data mapping */
        char *ud, *vd, *netcfg;
        size_t ud_len, vd_len, netcfg_len;
        bool netcfg_openstack; /* netcfg is OpenStack's network_data.json, not network-config */
        char *ud_name; /* the user-data's name in messages (a path) */
        /* cloud-config the datasource itself supplies (cloud-init's
         * get_config_obj(): CloudStack's and Exoscale's password), merged over
         * system config and under vendor-data and user-data. It may hold
         * secrets: kept for this boot only, 0600 (DS_CONFIG_RUN), never in
         * instance-data's public file or a log. NULL: none. */
        struct node *cfg;
};

/* Where the stage that found the datasource leaves res->cfg for the stages
 * after it (root only; removed by init-local, rewritten or removed by the
 * stage that finds a datasource). */
#define DS_CONFIG_RUN "/run/cloud-init/cloudboot-ds-config.json"


enum ds_ephemeral {
        DS_EPHEMERAL_NONE,
        DS_EPHEMERAL_DHCP,
        DS_EPHEMERAL_LINKLOCAL,
};

struct datasource {
        const char *name; /* as in datasource_list: "NoCloud" */
        bool local; /* can be found before the network is up */
        const char *cloud; /* the DMI cloud (platform.h) it serves, or NULL */
        int (*probe)(const struct ds_ctx *ctx, struct ds_result *ret);
        /* How a network datasource is read in init-local, before the
         * system's network is up (cloud-init's DataSource*Local): over an
         * ephemeral DHCP lease on the primary NIC, or an IPv4 link-local
         * address. NONE: only in the init stage, once the network is up. */
        enum ds_ephemeral ephemeral;
};

void ds_result_done(struct ds_result *r);
/* Wipe the text of every scalar in n, then free it: for a tree that may hold
 * secrets. Returns NULL. */
struct node *ds_node_free_secret(struct node *n);
/* "DataSourceNoCloud [seed=...]", as cloud-init describes it. */
int ds_describe(const struct ds_result *r, char **ret);

/* Probe the configured list (datasource_list, default NoCloud, ConfigDrive, Credentials, None). In the
 * local stage only local sources are tried. -ENOENT: nothing found. */
int ds_find(const struct ds_ctx *ctx, struct ds_result *ret);
/* The kernel command line: the platform's read when ctx has one, else read
 * now into *own (the caller frees it); "" when unreadable. */
const char *ds_cmdline(const struct ds_ctx *ctx, char **own);
/* The registry's descriptor: a cloud datasource's has no probe of its own
 * (clouds.h). */
const struct datasource *ds_lookup(const char *name);
/* Whether r was found by the datasource named name ("Ec2"). */
bool ds_is(const struct ds_result *r, const char *name);
/* meta-data public-keys as a list of strings, whatever its shape: a string of
 * lines, a list, or a mapping of names to a key or a list of keys
 * (cloud-init's normalize_pubkey_data). NULL only when out of memory. */
struct node *ds_public_keys(const struct node *md);
/* Parse meta-data YAML named name in messages. A broken document, or one
 * that is not a mapping, is reported with its position and counts as empty
 * meta-data, so the instance still boots. NULL only when out of memory. */
struct node *ds_parse_meta_data(const char *data, size_t len, const char *name);
/* Where the boot layer keeps parsed meta-data across boots (md_memo.h): load
 * gives the tree of exactly these bytes under this name, or NULL; store
 * keeps one. Only a parse that gave a mapping, and so no complaint, is
 * stored: a broken document is parsed and reported each time. NULL: none
 * (the default). */
struct ds_md_memo {
        struct node *(*load)(const char *data, size_t len, const char *name);
        void (*store)(const char *data, size_t len, const char *name, const struct node *md);
};
void ds_set_meta_data_memo(const struct ds_md_memo *memo);

extern const struct datasource ds_nocloud;
extern const struct datasource ds_credentials;
extern const struct datasource ds_configdrive;
extern const struct datasource ds_none;
