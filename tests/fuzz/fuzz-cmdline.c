/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel command line and SMBIOS serial: ds=nocloud;s=...;h=...;i=...,
 * ds=NAME and the switches. */
#include "cmdline.h"
#include "fuzz.h"
#include "node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *line = fuzz_str(data, size), name[64];
        struct node *md;
        bool net = false;

        fuzz_quiet();
        if (!line)
                return 0;
        md = node_new(NODE_MAP);
        if (md)
                (void)cmdline_parse_nocloud(line, md, &net);
        node_free(md);
        (void)cmdline_datasource(line, name, sizeof(name));
        (void)cmdline_has_word(line, "cloud-init=disabled");
        free(line);
        return 0;
}
