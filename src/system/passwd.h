/* SPDX-License-Identifier: Apache-2.0 */
/* User and group names resolved in the target root's /etc/passwd and
 * /etc/group (never the host's NSS: under --root they are different systems). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Look a user up by name (or a number); -ENOENT when there is none. */
int passwd_user(int root_fd, const char *name, uid_t *ret_uid, gid_t *ret_gid);
int passwd_group(int root_fd, const char *name, gid_t *ret_gid);
struct passwd_entry {
        char *name;
        uid_t uid;
        gid_t gid;
        char *home;
        char *shell;
};
/* The target's /etc/passwd line of name; -ENOENT when there is none. */
int passwd_entry_get(int root_fd, const char *name, struct passwd_entry *ret);
void passwd_entry_done(struct passwd_entry *e);
/* Is name's password locked in the target's /etc/shadow (its field begins
 * with '!', which `usermod --lock` leaves as it is)? false when it cannot
 * tell: no shadow file, no line for name. The file is wiped from memory
 * after. */
bool passwd_shadow_locked(int root_fd, const char *name);
/* Is there a group of that name in the target? */
bool passwd_group_exists(int root_fd, const char *name);
/* A name useradd would take and no command line could mistake for an
 * option: valid_user_name() ([A-Za-z0-9_][A-Za-z0-9_.-]*, 32 characters at
 * most, an optional trailing '$', not only digits, not "." or ".."). */
bool passwd_name_valid(const char *name);

/* Resolve "user:group", "user" or "user:" (group stays -1 unless given). */
int passwd_owner(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid);
/* The same for a series of specs (syslog_fix_perms' list): /etc/passwd and
 * /etc/group are each read once, on first use, and kept until
 * passwd_db_done(). Start with { .root_fd = root_fd }. */
struct passwd_db {
        int root_fd;
        char *passwd, *group;
        int passwd_state, group_state; /* 0 unread, 1 read, or the read's error */
};
int passwd_db_owner(struct passwd_db *db, const char *spec, uid_t *ret_uid, gid_t *ret_gid);
void passwd_db_done(struct passwd_db *db);
