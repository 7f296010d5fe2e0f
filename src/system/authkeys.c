/* SPDX-License-Identifier: Apache-2.0 */
/* authorized_keys placement and merging (see authkeys.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "authkeys.h"
#include "fs.h"
#include "log.h"
#include "schema.h"
#include "sshd_config.h"

#define AUTHKEYS_MAX (1u << 20)

static const char *const key_types[] = {
        "ssh-rsa",
        "ssh-dss",
        "ssh-ed25519",
        "ssh-ed448",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ecdsa-sha2-nistp256@openssh.com",
        "sk-ssh-ed25519@openssh.com",
        NULL,
};

static bool is_key_type(const char *s, size_t len)
{
        static const char cert[] = "-cert-v01@openssh.com";
        size_t cl = sizeof(cert) - 1;

        if (len > cl && memcmp(s + len - cl, cert, cl) == 0)
                len -= cl;
        for (const char *const *t = key_types; *t; t++)
                if (strlen(*t) == len && memcmp(s, *t, len) == 0)
                        return true;
        return false;
}

/* The next space-separated token; options may hold quoted spaces. */
static size_t token_len(const char *p, const char *end, bool quotes)
{
        const char *q = p;
        bool in = false;

        while (q < end && (in || (*q != ' ' && *q != '\t'))) {
                if (quotes && *q == '"' && (q == p || q[-1] != '\\'))
                        in = !in;
                q++;
        }
        return (size_t)(q - p);
}

static const char *skip_ws(const char *p, const char *end)
{
        while (p < end && (*p == ' ' || *p == '\t'))
                p++;
        return p;
}

/* Split a key line: options (may be empty), then "type blob comment". */
static bool split_line(const char *line, size_t len, const char **opts, size_t *opts_len,
                       const char **key, const char **blob, size_t *blob_len)
{
        const char *end = line + len, *p = skip_ws(line, end);
        size_t t;

        if (p == end || *p == '#')
                return false;
        *opts = p;
        *opts_len = 0;
        t = token_len(p, end, false);
        if (!is_key_type(p, t)) {
                *opts_len = token_len(p, end, true);
                p = skip_ws(p + *opts_len, end);
                t = token_len(p, end, false);
                if (!is_key_type(p, t))
                        return false;
        }
        *key = p;
        p = skip_ws(p + t, end);
        *blob = p;
        *blob_len = token_len(p, end, false);
        return *blob_len > 0;
}

bool authkeys_blob(const char *line, size_t len, const char **ret, size_t *ret_len)
{
        const char *opts, *key;
        size_t opts_len;
        return split_line(line, len, &opts, &opts_len, &key, ret, ret_len);
}

/* A line without its CR and trailing blanks. */
static size_t trimmed_len(const char *line, size_t len)
{
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
                len--;
        return len;
}

/* One line of printable text, a trailing CR aside: a newline or another
 * control character inside would smuggle a second line or garble the file. */
static bool one_line(const char *s)
{
        size_t len = trimmed_len(s, strlen(s));
        for (size_t i = 0; i < len; i++)
                if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
                        return false;
        return true;
}

int authkeys_collect(const struct node *v, char ***keys, size_t *n)
{
        size_t count = v && v->type == NODE_SEQ ? v->n : v ? 1 : 0;

        for (size_t i = 0; i < count; i++) {
                const struct node *k = v->type == NODE_SEQ ? v->items[i] : v;
                const char *b;
                size_t bl;
                char **p;

                if (!node_str(k) || !one_line(k->str) ||
                    !authkeys_blob(k->str, strcspn(k->str, "\r"), &b, &bl)) {
                        char pos[512];
                        schema_pos(k, pos, sizeof(pos));
                        log_warning("%s: entry %zu is not one ssh key; skipped", pos, i);
                        continue;
                }
                /* room for a power of two of keys: growing it doubles */
                if ((*n & (*n - 1)) == 0) {
                        p = realloc(*keys, (*n ? 2 * *n : 8) * sizeof(char *));
                        if (!p)
                                return -ENOMEM;
                        *keys = p;
                }
                (*keys)[(*n)++] = k->str;
        }
        return 0;
}

unsigned long long authkeys_compares;

/* The new keys by blob: open addressing over key numbers, half full at most,
 * so that matching n keys against themselves and the file is O(n). */
struct blob_set {
        size_t mask;
        uint32_t *slots; /* key number + 1; 0 when empty */
};

struct new_line {
        const char *text, *blob; /* text NULL: not a key */
        size_t len, blob_len;
};

/* The number of the key with blob b in set, or -1; with add, b as key i when
 * absent. */
static long blob_find(struct blob_set *set, const struct new_line *lines, const char *b, size_t bl,
                      long add)
{
        for (size_t h = node_key_hash(b, bl) & set->mask;; h = (h + 1) & set->mask) {
                uint32_t q = set->slots[h];
                if (q == 0) {
                        if (add >= 0)
                                set->slots[h] = (uint32_t)add + 1;
                        return -1;
                }
                authkeys_compares++;
                if (lines[q - 1].blob_len == bl && memcmp(lines[q - 1].blob, b, bl) == 0)
                        return (long)q - 1;
        }
}

static int put_line(struct buf *out, const char *options, const struct new_line *l)
{
        if (options)
                return buf_printf(out, "%s %.*s\n", options, (int)l->len, l->text);
        return buf_printf(out, "%.*s\n", (int)l->len, l->text);
}

int authkeys_merge(const char *old, size_t old_len, char *const *keys, size_t n,
                   const char *options, struct buf *out)
{
        _cleanup_free_ bool *used = NULL;
        _cleanup_free_ struct new_line *lines = NULL;
        _cleanup_free_ uint32_t *slots = NULL;
        struct blob_set set = { 0 };
        size_t size = 16;
        int r = 0;

        if (n >= UINT32_MAX / 4)
                return -E2BIG;
        while (size < 2 * n)
                size *= 2;
        used = calloc(n ? n : 1, sizeof(bool));
        lines = calloc(n ? n : 1, sizeof(*lines));
        slots = calloc(size, sizeof(*slots));
        if (!used || !lines || !slots)
                return -ENOMEM;
        set = (struct blob_set){ .mask = size - 1, .slots = slots };
        /* The new lines, as they will be written. */
        for (size_t i = 0; i < n; i++) {
                const char *o, *k, *b;
                size_t ol, bl, kl = trimmed_len(keys[i], strlen(keys[i]));

                if (!split_line(keys[i], kl, &o, &ol, &k, &b, &bl)) {
                        used[i] = true; /* not a key: the caller has reported it */
                        continue;
                }
                /* options replace the key's own */
                lines[i].text = options ? k : keys[i];
                lines[i].len = kl - (size_t)(lines[i].text - keys[i]);
                lines[i].blob = b;
                lines[i].blob_len = bl;
                /* a key given twice: the first wins */
                if (blob_find(&set, lines, b, bl, (long)i) >= 0)
                        used[i] = true;
        }
        /* Existing lines stay; one with a blob we bring is replaced in place. */
        for (const char *p = old, *end = old ? old + old_len : NULL; p && p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t len = trimmed_len(p, (size_t)((nl ? nl : end) - p));
                const char *b;
                size_t bl;
                long i = -1;

                if (authkeys_blob(p, len, &b, &bl))
                        i = blob_find(&set, lines, b, bl, -1);
                if (i >= 0 && !used[i]) {
                        r = put_line(out, options, &lines[i]);
                        used[i] = true;
                } else if (len > 0 || nl)
                        r = buf_printf(out, "%.*s\n", (int)len, p);
                if (r < 0)
                        break;
                p = nl ? nl + 1 : end;
        }
        for (size_t i = 0; i < n && r >= 0; i++)
                if (!used[i] && lines[i].text)
                        r = put_line(out, options, &lines[i]);
        return r;
}

static void expand_tokens(const char *in, const struct passwd_entry *pw, struct buf *out)
{
        for (const char *p = in; *p; p++) {
                if (*p != '%' || !p[1]) {
                        (void)buf_putc(out, *p);
                        continue;
                }
                p++;
                if (*p == 'h')
                        (void)buf_puts(out, pw->home);
                else if (*p == 'u')
                        (void)buf_puts(out, pw->name);
                else if (*p == 'U')
                        (void)buf_printf(out, "%u", (unsigned)pw->uid);
                else if (*p == '%')
                        (void)buf_putc(out, '%');
                else {
                        (void)buf_putc(out, '%');
                        (void)buf_putc(out, *p);
                }
        }
}

static bool under(const char *path, const char *dir)
{
        size_t l = strlen(dir);
        while (l > 0 && dir[l - 1] == '/')
                l--;
        return strncmp(path, dir, l) == 0 && path[l] == '/';
}

int authkeys_path(int root_fd, const struct passwd_entry *pw, char **ret)
{
        _cleanup_free_ char *value = NULL;
        char *tok, *save = NULL;
        int r = sshd_config_get(root_fd, "AuthorizedKeysFile", &value);

        if (r >= 0)
                for (tok = strtok_r(value, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
                        struct buf b = BUF_INIT(4096);
                        bool specific = strstr(tok, "%h") || strstr(tok, "%u") || strstr(tok, "%U");

                        if (strcasecmp(tok, "none") == 0)
                                break;
                        if (tok[0] != '/' && tok[0] != '%') {
                                (void)buf_printf(&b, "%s/", pw->home);
                                specific = true;
                        }
                        expand_tokens(tok, pw, &b);
                        if (buf_error(&b) < 0) /* a path cut short is another path */
                                return buf_error(&b);
                        if (b.data && (specific || under(b.data, pw->home))) {
                                *ret = buf_steal(&b, NULL);
                                return *ret ? 0 : -ENOMEM;
                        }
                        log_debug("AuthorizedKeysFile %s is not specific to %s; not written", tok,
                                  pw->name);
                        buf_free(&b);
                }
        {
                size_t l = strlen(pw->home);
                while (l > 0 && pw->home[l - 1] == '/')
                        l--;
                *ret = malloc(l + sizeof("/.ssh/authorized_keys"));
                if (!*ret)
                        return -ENOMEM;
                (void)snprintf(*ret, l + sizeof("/.ssh/authorized_keys"),
                               "%.*s/.ssh/authorized_keys", (int)l, pw->home);
        }
        return 0;
}

/* sshd's StrictModes for a directory on the way to the keys: the user's or
 * root's, and writable by no one else. 0, or -EPERM logged. */
static int strict_modes(int fd, const char *shown, uid_t owner_ok)
{
        struct stat st;

        if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != owner_ok) || (st.st_mode & 022))
                return log_error_errno(-EPERM,
                                       "%s is writable by others or owned by another user; "
                                       "sshd would ignore keys below it",
                                       shown);
        return 0;
}

/* Open (creating if need be) the directory name in dfd without following a
 * symlink, and check it as sshd's StrictModes would. */
static int open_dir_nofollow(int dfd, const char *name, const char *shown, mode_t mode, uid_t uid,
                             gid_t gid, uid_t owner_ok)
{
        int fd, r;

        if (mkdirat(dfd, name, mode) == 0) {
                fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0) {
                        r = -errno;
                        (void)close(fd);
                        return r;
                }
                return fd;
        }
        if (errno != EEXIST)
                return -errno;
        fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                if (r == -ELOOP || r == -ENOTDIR) {
                        struct stat lst;
                        if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                            S_ISLNK(lst.st_mode))
                                return log_error_errno(
                                        -ELOOP, "%s is a symlink; refusing to follow it", shown);
                        return log_error_errno(-ENOTDIR, "%s is not a directory", shown);
                }
                return r;
        }
        r = strict_modes(fd, shown, owner_ok);
        if (r < 0) {
                (void)close(fd);
                return r;
        }
        return fd;
}

int authkeys_install(int root_fd, const struct passwd_entry *pw, char *const *keys, size_t n,
                     const char *options)
{
        _cleanup_free_ char *path = NULL, *old = NULL;
        _cleanup_close_ int dfd = -1;
        struct buf out = BUF_INIT(AUTHKEYS_MAX);
        char shown[4096];
        const char *rel;
        bool in_home;
        size_t old_len = 0;
        int r;

        r = authkeys_path(root_fd, pw, &path);
        if (r < 0)
                return r;
        in_home = under(path, pw->home);
        /* Above the home, symlinks resolve inside the root as usual (a /home
         * link is common); from the home down, none is followed. */
        if (in_home) {
                _cleanup_close_ int link_fd =
                        fs_open_in_root(root_fd, pw->home, O_PATH | O_NOFOLLOW, 0);
                struct stat st;

                /* The home itself a symlink (to /root, say) would put the keys
                 * in another account's directory. */
                if (link_fd >= 0 && fstat(link_fd, &st) == 0 && S_ISLNK(st.st_mode))
                        return log_error_errno(-ELOOP,
                                               "The home directory %s of %s is a symlink; "
                                               "refusing to follow it",
                                               pw->home, pw->name);
                dfd = fs_open_in_root(root_fd, pw->home, O_RDONLY | O_DIRECTORY, 0);
                if (dfd < 0)
                        return log_error_errno(dfd, "Cannot open the home directory %s of %s: %m",
                                               pw->home, pw->name);
                r = strict_modes(dfd, pw->home, pw->uid); /* the home too */
                if (r < 0)
                        return r;
                rel = path + strlen(pw->home);
                (void)snprintf(shown, sizeof(shown), "%s", pw->home);
        } else {
                dfd = fs_open_in_root(root_fd, "/", O_RDONLY | O_DIRECTORY, 0);
                if (dfd < 0)
                        return dfd;
                rel = path;
                shown[0] = '\0';
        }
        /* Each directory component, then the file. */
        for (;;) {
                char comp[256];
                const char *slash;
                size_t len;
                int next;

                while (*rel == '/')
                        rel++;
                slash = strchr(rel, '/');
                if (!slash)
                        break;
                len = (size_t)(slash - rel);
                if (len == 0 || len >= sizeof(comp))
                        return -EINVAL;
                memcpy(comp, rel, len);
                comp[len] = '\0';
                if (streq(comp, "..") || streq(comp, "."))
                        return log_error_errno(-EINVAL, "%s: '.' and '..' are not allowed", path);
                (void)snprintf(shown + strlen(shown), sizeof(shown) - strlen(shown), "/%s", comp);
                next = in_home ? open_dir_nofollow(dfd, comp, shown, 0700, pw->uid, pw->gid,
                                                   pw->uid)
                               : open_dir_nofollow(dfd, comp, shown, 0755, 0, 0, pw->uid);
                if (next < 0)
                        return next;
                (void)close(dfd);
                dfd = next;
                rel = slash + 1;
        }
        {
                _cleanup_close_ int fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;
                if (fd < 0 && errno == ELOOP)
                        return log_error_errno(-ELOOP, "%s is a symlink; refusing to follow it",
                                               path);
                if (fd < 0 && errno != ENOENT)
                        return log_error_errno(-errno, "Cannot open %s: %m", path);
                if (fd >= 0) {
                        ssize_t k;
                        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                                return log_error_errno(-EINVAL, "%s is not a regular file", path);
                        /* A hard link (to /etc/shadow, say) would have its
                         * contents copied into a file the user owns. */
                        if (st.st_nlink > 1 || (st.st_uid != 0 && st.st_uid != pw->uid))
                                return log_error_errno(-EPERM,
                                                       "%s has other links or another owner; "
                                                       "refusing to read or replace it",
                                                       path);
                        if ((size_t)st.st_size > AUTHKEYS_MAX)
                                return log_error_errno(-E2BIG, "%s is larger than %u bytes", path,
                                                       AUTHKEYS_MAX);
                        old = malloc((size_t)st.st_size + 1);
                        if (!old)
                                return -ENOMEM;
                        k = read(fd, old, (size_t)st.st_size);
                        if (k < 0)
                                return -errno;
                        old_len = (size_t)k;
                }
        }
        r = authkeys_merge(old, old_len, keys, n, options, &out);
        if (r >= 0)
                r = fs_write_buf_at(dfd, rel, &out, 0600, pw->uid, pw->gid);
        buf_free(&out);
        if (r == -E2BIG)
                return log_error_errno(
                        r, "%s would be larger than %u bytes with %zu keys; not written", path,
                        AUTHKEYS_MAX, n);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", path);
        log_info("Wrote %zu key%s to %s", n, n == 1 ? "" : "s", path);
        return 0;
}
