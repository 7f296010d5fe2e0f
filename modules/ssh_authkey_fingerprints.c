/* SPDX-License-Identifier: Apache-2.0 */
/* ssh_authkey_fingerprints (final stage, per instance): cloud-init's
 * cc_ssh_authkey_fingerprints. For each user cloud-config names (users as
 * normalize_users_groups makes them, the default user included; system users
 * and no_create_home ones left out), the keys of the user's authorized_keys
 * file (AuthorizedKeysFile as sshd reads it) as a table: key type, the
 * authkey_hash digest (hashlib's name, sha256 by default) of the key blob as
 * hex pairs joined by ':', options, comment; every line "ci-info: "-prefixed
 * on stdout (the console and the journal under systemd), as cloud-init's
 * multi_log writes them. The digest is libcrypto's, loaded only here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "authkeys.h"
#include "buf.h"
#include "codec.h"
#include "digest.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "passwd.h"
#include "users.h"

#define COLS 4
#define ROWS_MAX 4096
#define KEYS_FILE_MAX (4u << 20)

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_str = { .types = T_STR };
static const struct schema_prop schema_keys[] = { { "no_ssh_fingerprints", &s_bool, false },
                                                  { "authkey_hash", &s_str, false },
                                                  { NULL, NULL, false } };

/* ssh_util.VALID_KEY_TYPES (25.x). */
static const char *const key_types[] = {
        "rsa",
        "ecdsa",
        "ed25519",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
        "sk-ssh-ed25519-cert-v01@openssh.com",
        "sk-ssh-ed25519@openssh.com",
        "ssh-ed25519-cert-v01@openssh.com",
        "ssh-ed25519",
        "ssh-rsa-cert-v01@openssh.com",
        "ssh-rsa",
        "ssh-xmss-cert-v01@openssh.com",
        "ssh-xmss@openssh.com",
        NULL,
};

struct table {
        char *cells[ROWS_MAX + 1][COLS]; /* row 0: the header */
        size_t n; /* rows, header included */
        size_t width[COLS];
};

/* Python's str.split() white space (ASCII part). */
static bool is_ws(char c)
{
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Width as Python's len() counts it: code points, not bytes. */
static size_t width_of(const char *s)
{
        size_t w = 0;
        for (; *s; s++)
                if (((unsigned char)*s & 0xc0) != 0x80)
                        w++;
        return w;
}

static bool known_type(const char *s, size_t len)
{
        for (const char *const *t = key_types; *t; t++)
                if (strlen(*t) == len && strncmp(*t, s, len) == 0)
                        return true;
        return false;
}

/* A copy of a field for the console: a control character becomes '?', so that
 * a comment cannot move the cursor or clear the screen. */
static char *field_dup(const char *s, size_t len)
{
        char *d = strndup(s, len);
        for (char *c = d; c && *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        *c = '?';
        return d;
}

/* ssh_util's parse_ssh_key: "type blob [comment]" with a known type; the
 * offsets of the three fields (comment may be empty). */
static bool split_key(const char *s, const char *f[3], size_t l[3])
{
        for (int i = 0; i < 3; i++) {
                while (*s && is_ws(*s))
                        s++;
                f[i] = s;
                if (i == 2) { /* the rest, trailing white space already gone */
                        l[i] = strlen(s);
                        break;
                }
                while (*s && !is_ws(*s))
                        s++;
                l[i] = (size_t)(s - f[i]);
        }
        return l[0] && l[1] && known_type(f[0], l[0]);
}

/* AuthKeyLineParser._extract_options: up to the first blank outside quotes. */
static size_t options_len(const char *s)
{
        bool quoted = false;
        size_t i = 0, len = strlen(s);
        while (i < len && (quoted || (s[i] != ' ' && s[i] != '\t'))) {
                if (i + 1 >= len) {
                        i++;
                        break;
                }
                if (s[i] == '\\' && s[i + 1] == '"')
                        i++;
                else if (s[i] == '"')
                        quoted = !quoted;
                i++;
        }
        return i;
}

/* _gen_fingerprint: "" for no blob, "?" when it is not base64 or the hash is
 * unknown, else the hex digest in pairs joined by ':'. */
static char *fingerprint(const char *b64, size_t len, const char *hash)
{
        _cleanup_free_ char *blob = NULL;
        uint8_t md[DIGEST_MAX];
        size_t blen = 0, skipped;
        char *out;
        int n;

        if (b64_decode_lenient(b64, len, 64 * 1024, &blob, &blen, &skipped) < 0)
                return strdup("?");
        n = digest_compute(hash, blob, blen, md);
        if (n == -ENOPKG)
                log_warning("libcrypto.so.3 cannot be loaded: no fingerprint is computed");
        if (n <= 0)
                return strdup("?");
        out = malloc((size_t)n * 3);
        if (!out)
                return NULL;
        for (int i = 0; i < n; i++)
                (void)snprintf(out + i * 3, 4, "%02x%s", md[i], i + 1 < n ? ":" : "");
        return out;
}

static int add_row(struct table *t, char *cells[COLS])
{
        if (t->n > ROWS_MAX) {
                for (int c = 0; c < COLS; c++)
                        free(cells[c]);
                return -E2BIG;
        }
        for (int c = 0; c < COLS; c++) {
                size_t w;
                if (!cells[c]) {
                        for (int d = 0; d < COLS; d++)
                                free(cells[d]);
                        return -ENOMEM;
                }
                w = width_of(cells[c]);
                if (w > t->width[c])
                        t->width[c] = w;
                t->cells[t->n][c] = cells[c];
        }
        t->n++;
        return 0;
}

/* One line of the file as a row, when it holds a key of a known type. */
static int parse_line(struct table *t, char *line, const char *hash)
{
        const char *f[3], *opts = NULL;
        size_t l[3], olen = 0;
        char *end;

        while (*line && is_ws(*line))
                line++;
        end = line + strlen(line);
        while (end > line && is_ws(end[-1]))
                *--end = '\0';
        if (!*line || *line == '#')
                return 0;
        if (!split_key(line, f, l)) {
                opts = line;
                olen = options_len(line);
                if (!split_key(line + olen, f, l))
                        return 0;
        }
        return add_row(t, (char *[COLS]){ field_dup(f[0], l[0]),
                                          fingerprint(f[1], l[1], hash),
                                          olen ? field_dup(opts, olen) : strdup("-"),
                                          l[2] ? field_dup(f[2], l[2]) : strdup("-") });
}

/* Python's str.center(width): the odd space goes left when width is odd. */
static void put_center(struct buf *b, const char *s, size_t width)
{
        size_t w = width_of(s), marg = width > w ? width - w : 0;
        size_t left = marg / 2 + (marg & width & 1);
        (void)buf_printf(b, "%*s%s%*s", (int)left, "", s, (int)(marg - left), "");
}

static void put_hdiv(struct buf *b, const struct table *t)
{
        (void)buf_putc(b, '+');
        for (int c = 0; c < COLS; c++) {
                for (size_t i = 0; i < t->width[c] + 2; i++)
                        (void)buf_putc(b, '-');
                (void)buf_putc(b, '+');
        }
}

static void render(struct buf *out, const struct table *t, const char *path, const char *user)
{
        struct buf tbl = BUF_INIT(8u << 20), title = BUF_INIT(8192);
        size_t max_len = 1, marg, tw;
        char *line, *save = NULL;

        for (int c = 0; c < COLS; c++)
                max_len += t->width[c] + 3;
        put_hdiv(&tbl, t);
        for (size_t r = 0; r < t->n; r++) {
                (void)buf_puts(&tbl, "\n|");
                for (int c = 0; c < COLS; c++) {
                        put_center(&tbl, t->cells[r][c], t->width[c] + 2);
                        (void)buf_putc(&tbl, '|');
                }
                if (r == 0) {
                        (void)buf_putc(&tbl, '\n');
                        put_hdiv(&tbl, t);
                }
        }
        (void)buf_putc(&tbl, '\n');
        put_hdiv(&tbl, t);
        /* util.center: format's '^' alignment, the odd fill on the right */
        (void)buf_printf(&title, "Authorized keys from %s for user %s", path, user);
        tw = title.data ? width_of(title.data) : 0;
        marg = max_len > tw ? max_len - tw : 0;
        (void)buf_puts(out, "ci-info: ");
        for (size_t i = 0; i < marg / 2; i++)
                (void)buf_putc(out, '+');
        (void)buf_puts(out, title.data ? title.data : "");
        for (size_t i = 0; i < marg - marg / 2; i++)
                (void)buf_putc(out, '+');
        (void)buf_putc(out, '\n');
        for (line = strtok_r(tbl.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                (void)buf_printf(out, "ci-info: %s\n", line);
        if (buf_error(&tbl) < 0 || buf_error(&title) < 0)
                out->error = buf_error(&tbl) < 0 ? buf_error(&tbl) : buf_error(&title);
        buf_free(&tbl);
        buf_free(&title);
}

static void table_free(struct table *t)
{
        for (size_t r = 0; r < t->n; r++)
                for (int c = 0; c < COLS; c++)
                        free(t->cells[r][c]);
        free(t);
}

static int user_fingerprints(const struct module_ctx *ctx, const char *user, const char *hash,
                             struct buf *out)
{
        _cleanup_free_ char *path = NULL, *data = NULL, *hdr = NULL;
        struct passwd_entry pw = { 0 };
        struct stat st;
        struct table *t;
        size_t len = 0;
        bool any = false;
        char *line, *save = NULL;
        int r;

        r = passwd_entry_get(ctx->root_fd, user, &pw);
        if (r < 0)
                return log_warning_errno(r, "No fingerprints for user %s: not in /etc/passwd",
                                         user);
        r = authkeys_path(ctx->root_fd, &pw, &path);
        if (r < 0) {
                passwd_entry_done(&pw);
                return log_warning_errno(r, "No authorized_keys path for user %s: %m", user);
        }
        /* a symlink the user planted is not followed (fs_open_in_root) */
        r = fs_read_regular(ctx->root_fd, path, KEYS_FILE_MAX, &data, &len);
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "Cannot read %s: %m", path);
        /* cloud-init's reader makes what is missing: ~/.ssh (0700) and an
         * empty authorized_keys (0600), the user's; made here the way keys
         * are installed (no symlink followed from the home down) */
        if (r == -ENOENT && pw.home && fs_stat(ctx->root_fd, pw.home, false, &st) >= 0 &&
            S_ISDIR(st.st_mode))
                (void)authkeys_install(ctx->root_fd, &pw, NULL, 0, NULL);
        passwd_entry_done(&pw);
        if (r >= 0)
                for (const char *p = data; p < data + len && !any; p++)
                        any = *p != '\0';
        if (!any) { /* no file, or no line in it: cloud-init's "no entries" */
                (void)buf_printf(out,
                                 "ci-info: no authorized SSH keys fingerprints found for user "
                                 "%s.\n",
                                 user);
                return 0;
        }
        t = calloc(1, sizeof(*t));
        _cleanup_free_ char *shown = field_dup(hash, strlen(hash));
        if (!shown || asprintf(&hdr, "Fingerprint (%s)", shown) < 0)
                hdr = NULL;
        if (!t || !hdr) {
                free(t);
                return log_error_errno(-ENOMEM, "Out of memory");
        }
        r = add_row(t, (char *[COLS]){ strdup("Keytype"), TAKE_PTR(hdr), strdup("Options"),
                                       strdup("Comment") });
        for (line = strtok_r(data, "\n", &save); r >= 0 && line;
             line = strtok_r(NULL, "\n", &save))
                r = parse_line(t, line, hash);
        if (r < 0)
                log_warning_errno(r, "%s: too many keys to show, the rest left out: %m", path);
        render(out, t, path, user);
        table_free(t);
        return 0;
}

static int ssh_authkey_fingerprints_run(const struct module_ctx *ctx)
{
        _cleanup_node_ struct node *users = NULL;
        const char *hash = node_get_str(ctx->cfg, "authkey_hash");
        struct buf out = BUF_INIT(16u << 20);
        int r;

        if (node_get_bool(ctx->cfg, "no_ssh_fingerprints", false)) {
                log_debug("Skipping module named ssh_authkey_fingerprints, logging of SSH "
                          "fingerprints disabled");
                return 0;
        }
        if (!hash)
                hash = "sha256";
        r = users_normalize(ctx->cfg, &users);
        if (r < 0)
                return r;
        for (size_t i = 0; users && i < users->n; i++) {
                const struct node *u = users->items[i];
                const char *name = node_get_str(u, "name");
                const struct node *nch = user_opt(u, "no_create_home"), *sys = user_opt(u, "system");

                if (!name)
                        continue;
                if ((nch && nch->type == NODE_BOOL && nch->b) ||
                    (sys && sys->type == NODE_BOOL && sys->b)) {
                        log_debug("Skipping printing of ssh fingerprints for user '%s' because "
                                  "no home directory is created",
                                  name);
                        continue;
                }
                (void)user_fingerprints(ctx, name, hash, &out);
        }
        if (buf_error(&out) < 0)
                r = log_warning_errno(buf_error(&out), "The fingerprints are not shown: %m");
        else if (out.len) {
                fputs(out.data, stdout);
                (void)fflush(stdout);
        }
        buf_free(&out);
        return r < 0 ? r : 0;
}

const struct module mod_ssh_authkey_fingerprints = {
        .name = "ssh_authkey_fingerprints",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = NULL,
        .run = ssh_authkey_fingerprints_run,
};
