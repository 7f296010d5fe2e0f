/* SPDX-License-Identifier: Apache-2.0 */
/* The one way cloudboot runs a program: by argv (never a shell string built
 * from data), optionally chrooted into the target root, with a timeout,
 * optional stdin (for secrets: never in argv), and its stdout and stderr
 * appended to /var/log/cloud-init-output.log and copied to our stdout (the
 * journal under systemd) — or captured into a bounded buffer instead. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct exec_opts {
        const char *chroot_dir; /* run inside this root (NULL or "/": no chroot) */
        char *const *env; /* extra NAME=value entries, NULL-ended, or NULL */
        unsigned timeout_sec; /* 0: EXEC_TIMEOUT_DEFAULT */
        const void *input; /* written to the program's stdin, then closed */
        size_t input_len;
        struct buf *capture; /* stdout goes here instead of the output log */
        /* a wait the caller can do without (udevadm settle): its timeout is
         * an info line, not a warning that would mark the boot degraded */
        bool best_effort;
        /* a wait that can end early: asked every 50 ms while the command
         * runs; when it says true, the command's group is ended (TERM, then
         * KILL after the grace) without a message and -ECANCELED returned */
        bool (*stop)(void *data);
        void *stop_data;
};

#define EXEC_TIMEOUT_DEFAULT 3600u

/* Where command output goes (an fd opened O_APPEND); -1 for nowhere. */
void exec_set_output(int fd);
/* Run argv[0] (searched in PATH, or PATH inside the chroot), in a process
 * group of its own. *ret_status is the exit code, or 128+signal. The wait ends
 * when argv[0] itself exits: a process it leaves running in the background
 * (holding its output or not) is not waited for. The timeout is the
 * process's: when it passes, the whole group gets SIGTERM, then SIGKILL after
 * a short grace; "NAME timed out after N s" is logged and -ETIMEDOUT
 * returned. */
int exec_argv(const struct exec_opts *o, char *const argv[], int *ret_status);
/* Run and require exit 0: -EPROTO otherwise (the caller logs, with the name). */
int exec_ok(const struct exec_opts *o, char *const argv[]);
/* Does the program exist in PATH (or at the absolute path) on this machine? */
bool exec_have(const char *name);
