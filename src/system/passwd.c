/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/passwd and /etc/group lookups inside the target root (see passwd.h). */
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "macro.h"
#include "passwd.h"
#include "valid.h"

#define DB_MAX (4u * 1024 * 1024)

static bool parse_id(const char *s, unsigned long *ret)
{
        uint64_t v;

        if (valid_parse_uint(s, 0, (uid_t)-1 - 1, &v) < 0)
                return false;
        *ret = (unsigned long)v;
        return true;
}

/* Find name in field 0 of a colon-separated database; return fields 2 and 3
 * and, for passwd, the home directory and shell (fields 5 and 6). */
static int db_lookup_full(int root_fd, const char *db, const char *name, unsigned long *f2,
                          unsigned long *f3, char **ret_home, char **ret_shell)
{
        _cleanup_free_ char *data = NULL;
        size_t nlen = strlen(name);
        char *line, *save = NULL;
        int r;

        r = fs_read_file(root_fd, db, DB_MAX, &data, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *fields[7] = { 0 };
                char *p = line;

                if (strncmp(line, name, nlen) != 0 || line[nlen] != ':')
                        continue;
                for (int i = 0; i < 7 && p; i++) {
                        fields[i] = p;
                        p = strchr(p, ':');
                        if (p)
                                *p++ = '\0';
                }
                if (!fields[2] || !parse_id(fields[2], f2))
                        return -EBADMSG;
                if (f3 && (!fields[3] || !parse_id(fields[3], f3)))
                        return -EBADMSG;
                if (ret_home && !(*ret_home = strdup(fields[5] ? fields[5] : "/")))
                        return -ENOMEM;
                if (ret_shell && !(*ret_shell = strdup(fields[6] ? fields[6] : "")))
                        return -ENOMEM;
                return 0;
        }
        return -ENOENT;
}

static int db_lookup(int root_fd, const char *db, const char *name, unsigned long *f2,
                     unsigned long *f3)
{
        return db_lookup_full(root_fd, db, name, f2, f3, NULL, NULL);
}

int passwd_entry_get(int root_fd, const char *name, struct passwd_entry *ret)
{
        struct passwd_entry e = { 0 };
        unsigned long uid, gid;
        int r = db_lookup_full(root_fd, "/etc/passwd", name, &uid, &gid, &e.home, &e.shell);

        if (r < 0) {
                passwd_entry_done(&e);
                return r;
        }
        e.name = strdup(name);
        if (!e.name) {
                passwd_entry_done(&e);
                return -ENOMEM;
        }
        e.uid = (uid_t)uid;
        e.gid = (gid_t)gid;
        *ret = e;
        return 0;
}

void passwd_entry_done(struct passwd_entry *e)
{
        free(e->name);
        free(e->home);
        free(e->shell);
        *e = (struct passwd_entry){ 0 };
}

bool passwd_group_exists(int root_fd, const char *name)
{
        unsigned long gid;
        return db_lookup(root_fd, "/etc/group", name, &gid, NULL) == 0;
}

bool passwd_name_valid(const char *name)
{
        return !valid_user_name(name);
}

int passwd_user(int root_fd, const char *name, uid_t *ret_uid, gid_t *ret_gid)
{
        unsigned long uid, gid;
        int r = db_lookup(root_fd, "/etc/passwd", name, &uid, &gid);

        /* root is uid 0 on every Linux system, even a tree without /etc/passwd. */
        if (r == -ENOENT && streq(name, "root")) {
                *ret_uid = 0;
                if (ret_gid)
                        *ret_gid = 0;
                return 0;
        }
        if (r == -ENOENT && parse_id(name, &uid)) {
                *ret_uid = (uid_t)uid;
                if (ret_gid)
                        *ret_gid = (gid_t)-1;
                return 0;
        }
        if (r < 0)
                return r;
        *ret_uid = (uid_t)uid;
        if (ret_gid)
                *ret_gid = (gid_t)gid;
        return 0;
}

int passwd_group(int root_fd, const char *name, gid_t *ret_gid)
{
        unsigned long gid;
        int r = db_lookup(root_fd, "/etc/group", name, &gid, NULL);

        if (r == -ENOENT && streq(name, "root")) {
                gid = 0;
                r = 0;
        } else if (r == -ENOENT && parse_id(name, &gid))
                r = 0;
        if (r < 0)
                return r;
        *ret_gid = (gid_t)gid;
        return 0;
}

int passwd_owner(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid)
{
        _cleanup_free_ char *user = strdup(spec);
        char *group;
        uid_t uid = (uid_t)-1;
        gid_t gid = (gid_t)-1;
        int r;

        if (!user)
                return -ENOMEM;
        group = strchr(user, ':');
        if (group)
                *group++ = '\0';
        if (*user) {
                r = passwd_user(root_fd, user, &uid, NULL);
                if (r < 0)
                        return r;
        }
        if (group && *group) {
                r = passwd_group(root_fd, group, &gid);
                if (r < 0)
                        return r == -ENOENT ? -ESRCH : r;
        }
        *ret_uid = uid;
        *ret_gid = gid;
        return 0;
}
