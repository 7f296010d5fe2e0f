/* SPDX-License-Identifier: Apache-2.0 */
/* What the system-settings modules (apt, ntp, locale, keyboard, rsyslog,
 * ca_certs, repositories, ...) share: checks that a value can become a line
 * of a configuration file, the one way to refuse a value (file:line:col: key:
 * why), the target's os-release, and running a tool or a service action in
 * the target (under --root: inside it, and never a restart of this machine's
 * services). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "node.h"

/* One line: no control character but tab (no newline, no carriage return). */
bool sysconf_line_ok(const char *s);
/* Several lines: the same, newlines allowed. */
bool sysconf_text_ok(const char *s);
/* A plain word of letters, digits and the characters of extra; 1 to max bytes. */
bool sysconf_word_ok(const char *s, const char *extra, size_t max);
/* Log "file:line:col: key: why" at error level for the node. */
void sysconf_refuse(const struct node *at, const char *key, const char *why);
/* KEY's value in the target's os-release (/etc/os-release, then
 * /usr/lib/os-release), unquoted. -ENOENT when absent. */
int sysconf_os_release(int root_fd, const char *key, char **ret);

struct sysconf_target {
        const char *chroot; /* NULL on the host */
        bool is_host;
};

/* Run argv in the target with a timeout, optional stdin and extra env; its
 * output goes to the output log. 0 on exit status 0, -EPROTO otherwise (the
 * status in *ret_status when not NULL), or the exec error. */
int sysconf_run(const struct sysconf_target *t, const char *const *argv, const char *const *env,
                const void *input, size_t input_len, unsigned timeout_sec, int *ret_status);
/* On the host, "systemctl <action> unit" (reload-or-restart, restart...; NULL:
 * enable). In another root, "systemctl enable unit" inside it and nothing
 * more: this machine's services are never touched. Logs what it does. */
int sysconf_service(const struct sysconf_target *t, int root_fd, const char *unit,
                    const char *action);
/* Is the program in the target (an absolute path, or a name in the usual
 * bin and sbin directories)? */
bool sysconf_have(int root_fd, const char *name);
/* Install packages in the target with its package manager (apt-get, dnf,
 * yum, zypper, apk), refreshing the indexes first as cloud-init's
 * install_packages does. Names must already be checked as words. */
int sysconf_install(const struct sysconf_target *t, int root_fd, const char *const *pkgs, size_t n);
