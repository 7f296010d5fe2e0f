/* SPDX-License-Identifier: Apache-2.0 */
/* What systemd says about cloudboot's stage units, so that `status --wait`
 * never waits for a stage that will not run: a failed unit, or a boot where
 * none of them is running or queued and nothing else is starting. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum units_outlook {
        UNITS_UNKNOWN, /* not the running system, or no systemd to ask */
        UNITS_PENDING, /* a stage runs or is queued, or the boot is still starting */
        UNITS_IDLE, /* nothing of cloudboot's will run this boot */
        UNITS_FAILED, /* a stage unit failed: *failed names it */
};

/* Ask systemd over D-Bus. With test hooks compiled in, the environment
 * variable CLOUDBOOT_TEST_UNITS (pending, idle, failed:UNIT) answers instead. */
enum units_outlook units_outlook(char *failed, size_t size);
/* Is the answer worth asking for this root: the running system, or a test
 * that set CLOUDBOOT_TEST_UNITS (test hooks only). */
bool units_apply(const char *root);
