/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel command line and the SMBIOS serial: "ds=nocloud;s=URL;h=HOST;i=ID"
 * and the cloud-init=disabled switch. */
#pragma once

#include <stdbool.h>

#include "node.h"

/* If line carries ds=nocloud or ds=nocloud-net, set keys of md (a mapping):
 * s→seedfrom, h→local-hostname, i→instance-id, others verbatim. Returns 1 when
 * found (and *ret_net for the nocloud-net name), 0 when not, < 0 on error. */
int cmdline_parse_nocloud(const char *line, struct node *md, bool *ret_net);
/* Is word one of the space-separated words of line? */
bool cmdline_has_word(const char *line, const char *word);
/* The datasource the last ds=NAME, ci.ds=NAME or ci.datasource=NAME word of
 * line names (NAME ends at a ';'), into ret. 1 when there is one, else 0. */
int cmdline_datasource(const char *line, char *ret, size_t size);
