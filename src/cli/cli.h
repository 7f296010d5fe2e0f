/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands other than the boot stages, each in its own file. */
#pragma once

#include <stdbool.h>

struct status_opts {
        bool wait, long_fmt, json;
        bool yaml; /* printed as JSON, which is YAML too */
};

struct clean_opts {
        bool logs, seed, machine_id, reboot;
        const char *configs; /* cloud-init's --configs: nothing of cloudboot's to remove */
};

int cmd_status(const char *root, const struct status_opts *o);
int cmd_schema(const char *config_file);
/* The instance's own cloud-config (schema --system). */
int cmd_schema_system(const char *root);
/* Every supported key with its types, module, stage and frequency. */
int cmd_schema_docs(void);
/* instance_data: a file to read instead of /run/cloud-init's (a host path), or NULL. */
int cmd_query(const char *root, const char *instance_data, const char *key, bool all,
              bool list_keys);
int cmd_clean(const char *root, const struct clean_opts *o);
int cmd_analyze(const char *root, const char *action, const char *infile, const char *outfile);
int cmd_collect_logs(const char *root, const char *tarfile, bool include_sensitive);
/* `modules` without --mode: every module known (built-in and external) with its
 * stage, frequency, source and whether this boot's lists name it. */
int cmd_modules(const char *root);
/* Load the target's external modules, so that `schema` knows their keys. */
int cmd_modules_load(const char *root);
/* `devel hook` / `devel hotplug-hook`: the network configured again for a NIC
 * udev added (install_hotplug's rule); argv[0] is the subcommand. */
int cmd_devel(const char *root, int argc, char **argv);
