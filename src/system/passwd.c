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

/* The line of name (its field 0) in a colon-separated database's text: a
 * pointer to its start, or NULL. */
static const char *db_line(const char *data, const char *name)
{
        size_t nlen = strlen(name);

        for (const char *p = data; p && *p;) {
                if (strncmp(p, name, nlen) == 0 && p[nlen] == ':')
                        return p;
                p = strchr(p, '\n');
                if (p)
                        p++;
        }
        return NULL;
}

/* Find name in field 0 of a colon-separated database's text; return fields
 * 2 and 3 and, for passwd, the home directory and shell (fields 5 and 6).
 * The text is left as it is: one read serves several lookups. */
static int text_lookup(const char *data, const char *name, unsigned long *f2, unsigned long *f3,
                       char **ret_home, char **ret_shell)
{
        const char *p = db_line(data, name);
        _cleanup_free_ char *line = NULL;
        char *fields[7] = { 0 }, *q;

        if (!p)
                return -ENOENT;
        line = q = strndup(p, strcspn(p, "\n"));
        if (!line)
                return -ENOMEM;
        for (int i = 0; i < 7 && q; i++) {
                fields[i] = q;
                q = strchr(q, ':');
                if (q)
                        *q++ = '\0';
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

static int db_lookup_full(int root_fd, const char *db, const char *name, unsigned long *f2,
                          unsigned long *f3, char **ret_home, char **ret_shell)
{
        _cleanup_free_ char *data = NULL;
        int r = fs_read_file(root_fd, db, DB_MAX, &data, NULL);

        if (r < 0)
                return r;
        return text_lookup(data, name, f2, f3, ret_home, ret_shell);
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

bool passwd_shadow_locked(int root_fd, const char *name)
{
        char *data = NULL;
        const char *p;
        size_t len = 0;
        bool locked;

        if (fs_read_file(root_fd, "/etc/shadow", DB_MAX, &data, &len) < 0)
                return false;
        p = db_line(data, name);
        locked = p && p[strlen(name) + 1] == '!';
        free_secret(data, len); /* the hashes */
        return locked;
}

bool passwd_name_valid(const char *name)
{
        return !valid_user_name(name);
}

/* A user lookup's result r, with the names every system knows: root is uid
 * 0 on every Linux system, even a tree without /etc/passwd; a number is
 * itself. */
static int user_result(int r, const char *name, unsigned long uid, unsigned long gid,
                       uid_t *ret_uid, gid_t *ret_gid)
{
        if (r == -ENOENT && streq(name, "root")) {
                uid = gid = 0;
                r = 0;
        } else if (r == -ENOENT && parse_id(name, &uid)) {
                gid = (gid_t)-1;
                r = 0;
        }
        if (r < 0)
                return r;
        *ret_uid = (uid_t)uid;
        if (ret_gid)
                *ret_gid = (gid_t)gid;
        return 0;
}

static int group_result(int r, const char *name, unsigned long gid, gid_t *ret_gid)
{
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

int passwd_user(int root_fd, const char *name, uid_t *ret_uid, gid_t *ret_gid)
{
        unsigned long uid = 0, gid = 0;
        int r = db_lookup(root_fd, "/etc/passwd", name, &uid, &gid);

        return user_result(r, name, uid, gid, ret_uid, ret_gid);
}

int passwd_group(int root_fd, const char *name, gid_t *ret_gid)
{
        unsigned long gid = 0;
        int r = db_lookup(root_fd, "/etc/group", name, &gid, NULL);

        return group_result(r, name, gid, ret_gid);
}

/* The database's text, read on first use (a read error is kept too). */
static int db_text(int root_fd, const char *path, char **text, int *state)
{
        if (*state == 0) {
                int r = fs_read_file(root_fd, path, DB_MAX, text, NULL);
                *state = r < 0 ? r : 1;
        }
        return *state < 0 ? *state : 0;
}

int passwd_db_owner(struct passwd_db *db, const char *spec, uid_t *ret_uid, gid_t *ret_gid)
{
        _cleanup_free_ char *user = strdup(spec);
        unsigned long id = 0, primary = 0, gid = 0;
        char *group;
        uid_t uid = (uid_t)-1;
        gid_t g = (gid_t)-1;
        int r;

        if (!user)
                return -ENOMEM;
        group = strchr(user, ':');
        if (group)
                *group++ = '\0';
        if (*user) {
                r = db_text(db->root_fd, "/etc/passwd", &db->passwd, &db->passwd_state);
                if (r >= 0)
                        r = text_lookup(db->passwd, user, &id, &primary, NULL, NULL);
                r = user_result(r, user, id, primary, &uid, NULL);
                if (r < 0)
                        return r;
        }
        if (group && *group) {
                r = db_text(db->root_fd, "/etc/group", &db->group, &db->group_state);
                if (r >= 0)
                        r = text_lookup(db->group, group, &gid, NULL, NULL, NULL);
                r = group_result(r, group, gid, &g);
                if (r < 0)
                        return r == -ENOENT ? -ESRCH : r;
        }
        *ret_uid = uid;
        *ret_gid = g;
        return 0;
}

void passwd_db_done(struct passwd_db *db)
{
        free(db->passwd);
        free(db->group);
        *db = (struct passwd_db){ .root_fd = db->root_fd };
}

int passwd_owner(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid)
{
        struct passwd_db db = { .root_fd = root_fd };
        int r = passwd_db_owner(&db, spec, ret_uid, ret_gid);

        passwd_db_done(&db);
        return r;
}
