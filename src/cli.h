/* Subcommands other than the boot stages, each in its own file. */
#pragma once

#include <stdbool.h>

struct status_opts {
        bool wait, long_fmt, json;
};

int cmd_status(const char *root, const struct status_opts *o);
int cmd_schema(const char *config_file);
int cmd_query(const char *root, const char *key, bool all, bool list_keys);
int cmd_clean(const char *root, bool logs, bool seed, bool machine_id);
