/* User and group names resolved in the target root's /etc/passwd and
 * /etc/group (never the host's NSS: under --root they are different systems). */
#pragma once

#include <sys/types.h>

/* Look a user up by name (or a number); -ENOENT when there is none. */
int passwd_user(int root_fd, const char *name, uid_t *ret_uid, gid_t *ret_gid);
int passwd_group(int root_fd, const char *name, gid_t *ret_gid);
/* Resolve "user:group", "user" or "user:" (group stays -1 unless given). */
int passwd_owner(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid);
