/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd generator: at the start of every boot, decide whether a
 * datasource is plausibly there and, if so, pull cloudboot.target into the
 * boot. Cheap evidence first (files, the kernel command line, DMI, udev's
 * by-label links), then the filesystem labels of the block devices; nothing
 * is mounted or fetched. A seed device
 * that appears after the generator ran is caught by the udev rule
 * 90-cloudboot-seed.rules instead, which starts cloudboot.target itself. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum gen_decision {
        GEN_NOT_FOUND, /* nothing points at a datasource: not pulled in */
        GEN_ENABLED,
        GEN_DISABLED, /* cloud-init.disabled or cloud-init=disabled */
};

/* reason: why, for /run/cloud-init/cloudboot-generator.log. probe_devices:
 * also look for seed labels on the block devices with libblkid (only for the
 * running system: udev may not have made the by-label links yet). */
enum gen_decision generator_decide(int root_fd, bool probe_devices, char *reason, size_t size);
/* The generator proper: decide, write /run/cloud-init/enabled or disabled
 * and, when enabled, link cloudboot.target into
 * EARLY_DIR/multi-user.target.wants. Returns the process exit code. */
int generator_run(const char *root, const char *early_dir);
