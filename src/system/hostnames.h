/* SPDX-License-Identifier: Apache-2.0 */
/* Host names as cloud-init works them out (util.get_hostname_fqdn and
 * DataSource.get_hostname): from `fqdn`, `hostname`, meta-data
 * local-hostname, or the system's current name. Used by the hostname and
 * /etc/hosts modules. */
#pragma once

#include <stdbool.h>

#include "node.h"

#define HOSTNAME_FILE "/etc/hostname"

struct host_names {
        char *hostname;
        char *fqdn;
        bool is_default; /* nothing named it: "localhost" from the system */
};

struct hostnames_in {
        int root_fd;
        bool root_is_host;
        const struct node *cfg;
        const struct node *md;
};

int hostnames_resolve(const struct hostnames_in *in, struct host_names *ret);
void host_names_done(struct host_names *n);
/* valid_hostname(): labels of 1-63 letters, digits and '-', not starting or
 * ending with '-', joined by '.'; 253 bytes at most. */
bool hostname_valid(const char *s);
/* The first name in a hostname file (comments and blank lines skipped), or NULL. */
char *hostname_file_read(int root_fd, const char *path);
