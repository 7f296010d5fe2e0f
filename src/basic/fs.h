/* SPDX-License-Identifier: Apache-2.0 */
/* Filesystem helpers. Every path is resolved inside a target root given as a
 * directory fd: absolute paths, "..", and absolute symlinks all stay inside
 * it (openat2 RESOLVE_IN_ROOT). Writes are atomic: temp file, fsync, rename. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "buf.h"

#define FS_NO_OWNER ((uid_t)-1)

/* Open a directory to act as the target root. */
int fs_open_root(const char *root);
/* open(2) of path inside the root. A symlink on the way (the last component
 * too, unless O_NOFOLLOW) is followed only when root owns it and no other
 * user can write its directory (resolve_link_trusted()); else -EACCES. */
int fs_open_in_root(int root_fd, const char *path, int flags, mode_t mode);
/* The same, but refuses every symlink on the way (for paths a user may own). */
int fs_open_nofollow(int root_fd, const char *path, int flags, mode_t mode);
/* Create path and its missing parents with mode; existing ones are left alone. */
int fs_mkdir_p(int root_fd, const char *path, mode_t mode);
/* A directory for the caller alone: path made (with missing parents, 0700)
 * or found, not through a symlink at its end, owned by the caller (else
 * -EPERM), and set to 0700. */
int fs_mkdir_private(int root_fd, const char *path);
/* Replace path with data atomically. Missing parents are created 0755. The
 * file gets mode, and uid/gid unless they are FS_NO_OWNER. When path is a
 * mount point (it cannot be renamed over), it is rewritten in place. A file
 * that already holds exactly this, with this mode and owner, is left alone.
 * A device, FIFO or socket there is -EINVAL: not written, not replaced. The
 * owner and mode are set on the open file (fchown, fchmod), never by path. */
int fs_write_atomic(int root_fd, const char *path, const void *data, size_t len, mode_t mode,
                    uid_t uid, gid_t gid);
/* The same for name (one component) in the directory dfd: for callers that
 * walked to the directory themselves, refusing symlinks on the way. */
int fs_write_atomic_at(int dfd, const char *name, const void *data, size_t len, mode_t mode,
                       uid_t uid, gid_t gid);
/* fs_write_atomic() of a file whose text is about this boot only
 * (status.json, result.json, boot-finished: the next boot removes or
 * rewrites it): still replaced whole, so a reader sees the old text or the
 * new, but not fsync'd. Surviving a crash is worth nothing for it, and its
 * two fsyncs were most of a provisioned stage's time on a disk. An old
 * file is swapped out (renameat2 RENAME_EXCHANGE) and unlinked rather than
 * renamed over, which on ext4 would write the new data out at once. */
int fs_write_boot(int root_fd, const char *path, const void *data, size_t len, mode_t mode);
/* fs_write_atomic() of a buffer's contents, refused with the buffer's error
 * when an append to it failed (buf_error()): a text that could not be built
 * whole is never installed, and what was there stays. */
int fs_write_buf(int root_fd, const char *path, const struct buf *b, mode_t mode, uid_t uid,
                 gid_t gid);
int fs_write_buf_at(int dfd, const char *name, const struct buf *b, mode_t mode, uid_t uid,
                    gid_t gid);
/* Read a regular file as fs_read_file() does; anything else (a device, a
 * FIFO, a socket, a directory) is -EINVAL, found without blocking: the open
 * is O_NONBLOCK|O_NOCTTY and nothing is read from it. */
int fs_read_regular(int root_fd, const char *path, size_t max, char **ret, size_t *ret_len);
/* fstat of path inside the root; with follow, a last component that is a
 * symlink is followed (when it may be, as every one on the way). */
int fs_stat(int root_fd, const char *path, bool follow, struct stat *ret);
/* The kind of file mode names, for messages: "a FIFO", "a character device"... */
const char *fs_type_name(mode_t mode);
/* Read a whole file of at most max bytes: -E2BIG when larger. The data is
 * NUL-terminated (the terminator is not counted in *ret_len). */
int fs_read_file(int root_fd, const char *path, size_t max, char **ret, size_t *ret_len);
/* Read a small file and strip the trailing newlines: for one-line state files. */
int fs_read_line(int root_fd, const char *path, char **ret);
/* Make path a symlink to target, replacing what was there atomically (a
 * link that already points to target is left alone). */
int fs_symlink_atomic(int root_fd, const char *target, const char *path);
bool fs_exists(int root_fd, const char *path);
/* Remove a file or symlink; a missing one is not an error. */
int fs_unlink(int root_fd, const char *path);
/* Remove a tree without following symlinks; with keep_top the directory
 * itself stays and only its contents go. A missing path is not an error. */
int fs_rm_rf(int root_fd, const char *path, bool keep_top);
/* The names in dir (inside the root) that match the fnmatch pattern (all
 * when NULL), dot files left out, sorted, at most max of them. A missing
 * directory is an empty list. Free with fs_list_free(). */
int fs_list_dir(int root_fd, const char *dir, const char *pattern, size_t max, char ***ret,
                size_t *ret_n);
void fs_list_free(char **names, size_t n);
/* Split "/a/b/c" into a newly allocated "/a/b" and a pointer to "c". */
int fs_split_path(const char *path, char **ret_dir, const char **ret_base);
/* Where the symlink at path points, as a path inside the root (a relative
 * target joined to the link's directory), when it may be followed as
 * fs_open_in_root() follows links (root's, in a directory only root can
 * write); -EINVAL when path is not a symlink, -EACCES when not trusted. For
 * writers that replace a file the way its tools do, through Debian's links
 * (/etc/default/locale -> /etc/locale.conf). */
int fs_link_target(int root_fd, const char *path, char *buf, size_t size);
