/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd generator, cloudboot's ds-identify: at the start of every
 * boot, decide from the DMI identity, the kernel command line, filesystem
 * labels, seed directories and datasource_list which datasources are
 * possible and, if any is, pull cloudboot.target into the boot and write
 * datasource_list: [ X, None ] to /run/cloud-init/cloud.cfg as ds-identify
 * does. Cheap evidence only (files, udev's by-label links, libblkid); nothing
 * is mounted, run or fetched. A seed device that appears after the generator
 * ran is caught by the udev rule 90-cloudboot-seed.rules instead, which
 * starts cloudboot.target itself. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum gen_decision {
        GEN_NOT_FOUND, /* nothing points at a datasource: not pulled in */
        GEN_ENABLED,
        GEN_DISABLED, /* cloud-init.disabled, cloud-init=disabled, policy disabled */
};

#define GEN_LIST_MAX 32

/* ds-identify's policy: "search,found=all,maybe=none,notfound=disabled". */
enum gen_mode { GEN_MODE_SEARCH, GEN_MODE_REPORT, GEN_MODE_ENABLED, GEN_MODE_DISABLED };

struct gen_policy {
        enum gen_mode mode;
        bool found_first; /* found=first; else all */
        bool maybe_all; /* maybe=all; else none */
        bool notfound_enabled; /* notfound=enabled; else disabled */
};

struct gen_result {
        enum gen_decision decision;
        char reason[512]; /* why, for the logs */
        struct gen_policy policy;
        /* the datasource_list for /run/cloud-init/cloud.cfg, without None
         * (added on writing); n == 0 with write_list: nothing found */
        const char *list[GEN_LIST_MAX];
        size_t n;
        bool write_list; /* write /run/cloud-init/cloud.cfg at all */
        bool none_only; /* the list is exactly what was configured: [X] without None */
        char dsname[64]; /* the datasource ds=/ci.ds= names, "" if none */
        char log[4096]; /* ds-identify.log's body: the facts and each check */
        size_t log_len;
};

/* Decide. probe_devices: also look for seed labels on the block devices with
 * libblkid (only for the running system: udev may not have made the
 * by-label links yet). */
void generator_identify(int root_fd, bool probe_devices, struct gen_result *ret);
/* generator_identify()'s decision and reason only. */
enum gen_decision generator_decide(int root_fd, bool probe_devices, char *reason, size_t size);
/* The generator proper: decide, write /run/cloud-init/enabled or disabled,
 * ds-identify's /run/cloud-init/cloud.cfg and ds-identify.log, and
 * cloudboot-generator.log; when enabled, link cloudboot.target into
 * EARLY_DIR/multi-user.target.wants. Returns the process exit code. */
int generator_run(const char *root, const char *early_dir);
