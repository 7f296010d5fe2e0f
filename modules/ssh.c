/* SPDX-License-Identifier: Apache-2.0 */
/* ssh (init stage, per instance): cloud-init's cc_ssh. Host keys: the old
 * ones removed for a new instance (ssh_deletekeys, default true), supplied
 * ones written (ssh_keys: private 0600, public and certificate 0644), the
 * rest generated with ssh-keygen (ssh_genkeytypes, default rsa, ecdsa,
 * ed25519). Authorized keys: meta-data public-keys (unless
 * allow_public_ssh_keys is false) and top-level ssh_authorized_keys go to the
 * default user; root gets the same keys, behind disable_root_opts unless
 * disable_root is false. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "authkeys.h"
#include "datasource.h"
#include "exec.h"
#include "fs.h"
#include "hostnames.h"
#include "log.h"
#include "module.h"
#include "passwd.h"
#include "schema.h"
#include "users.h"
#include "valid.h"

#define DEFAULT_DISABLE_ROOT_OPTS                                                                  \
        "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo 'Please login "   \
        "as the user \\\"$USER\\\" rather than the user \\\"$DISABLE_USER\\\".';echo;sleep 10;"    \
        "exit 142\""
#define HOST_KEY_MAX (64u * 1024)

static const char *const key_types[] = { "rsa", "ecdsa", "ed25519", NULL };
static const char *const genkey_types[] = { "rsa", "dsa", "ecdsa", "ed25519", NULL };

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_str = { .types = T_STR };
static const struct schema s_keytype = { .types = T_STR, .enums = genkey_types };
static const struct schema s_genkeytypes = { .types = T_SEQ, .items = &s_keytype };
static const struct schema s_keys_list = { .types = T_SEQ, .items = &s_str };
static const struct schema s_ssh_keys = { .types = T_MAP };
static const struct schema s_publish = { .types = T_MAP };
static const struct schema s_opts = { .types = T_STR, .check = valid_ssh_options };
static const struct schema_prop schema_keys[] = {
        { "ssh_deletekeys", &s_bool, false },
        { "ssh_genkeytypes", &s_genkeytypes, false },
        { "ssh_keys", &s_ssh_keys, false },
        { "ssh_quiet_keygen", &s_bool, false },
        { "ssh_publish_hostkeys", &s_publish, false },
        { "ssh_authorized_keys", &s_keys_list, false },
        { "allow_public_ssh_keys", &s_bool, false },
        { "disable_root", &s_bool, false },
        { "disable_root_opts", &s_opts, false },
        { NULL, NULL, false },
};

static int delete_host_keys(const struct module_ctx *ctx)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd = fs_open_in_root(ctx->root_fd, "/etc/ssh", O_RDONLY | O_DIRECTORY, 0);

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return log_warning_errno(fd, "Cannot open /etc/ssh: %m");
        d = fdopendir(fd);
        if (!d) {
                (void)close(fd);
                return -errno;
        }
        while ((de = readdir(d)))
                if (fnmatch("ssh_host_*key*", de->d_name, 0) == 0 &&
                    unlinkat(dirfd(d), de->d_name, 0) == 0)
                        log_info("Removed old host key /etc/ssh/%s", de->d_name);
        return 0;
}

static int write_key_file(const struct module_ctx *ctx, const char *path, const char *data,
                          size_t len, mode_t mode)
{
        int r = fs_write_atomic(ctx->root_fd, path, data, len, mode, FS_NO_OWNER, (gid_t)-1);
        if (r < 0)
                return log_warning_errno(r, "Cannot write %s: %m", path);
        return 0;
}

/* Is key one of TYPE_private, TYPE_public, TYPE_certificate for a known TYPE? */
static bool supplied_key_known(const char *key)
{
        for (const char *const *t = key_types; *t; t++) {
                size_t l = strlen(*t);
                if (strncmp(key, *t, l) == 0 && key[l] == '_' &&
                    (streq(key + l + 1, "private") || streq(key + l + 1, "public") ||
                     streq(key + l + 1, "certificate")))
                        return true;
        }
        return false;
}

/* ssh_keys: {rsa_private: ..., rsa_public: ..., rsa_certificate: ...} */
static int supplied_keys(const struct module_ctx *ctx, const struct node *sk)
{
        int r = 0;

        for (size_t i = 0; sk && sk->type == NODE_MAP && i + 1 < sk->n; i += 2) {
                const char *key = node_str(sk->items[i]);
                char pos[512];

                schema_pos(sk->items[i], pos, sizeof(pos));
                if (!key || !supplied_key_known(key))
                        log_warning("%s: ssh_keys.%.64s is not a host key this cloudboot writes "
                                    "(rsa, ecdsa or ed25519 _private, _public, _certificate); "
                                    "ignored",
                                    pos, key ? key : "?");
                else if (!node_str(sk->items[i + 1]))
                        log_warning("%s: ssh_keys.%s must be a string; ignored", pos, key);
        }

        for (const char *const *t = key_types; *t; t++) {
                static const struct {
                        const char *suffix, *file;
                        mode_t mode;
                } parts[] = { { "private", "", 0600 },
                              { "public", ".pub", 0644 },
                              { "certificate", "-cert.pub", 0644 } };
                for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
                        char key[64], path[128];
                        const struct node *v;

                        (void)snprintf(key, sizeof(key), "%s_%s", *t, parts[i].suffix);
                        v = node_get(sk, key);
                        if (!node_str(v))
                                continue;
                        (void)snprintf(path, sizeof(path), "/etc/ssh/ssh_host_%s_key%s", *t,
                                       parts[i].file);
                        if (write_key_file(ctx, path, v->str, v->len, parts[i].mode) < 0)
                                r = -EIO;
                        else
                                log_info("Wrote supplied host key %s", path);
                        if (i == 2) {
                                /* sshd must be told about a certificate */
                                _cleanup_free_ char *cfg = NULL;
                                char line[160];
                                (void)snprintf(line, sizeof(line), "HostCertificate %s\n", path);
                                if (fs_read_file(ctx->root_fd, "/etc/ssh/sshd_config", 1u << 20,
                                                 &cfg, NULL) >= 0 &&
                                    !strstr(cfg, line)) {
                                        struct buf b = BUF_INIT(2u << 20);
                                        if (buf_printf(&b, "%s%s%s", cfg,
                                                       *cfg && cfg[strlen(cfg) - 1] != '\n' ? "\n"
                                                                                            : "",
                                                       line) >= 0)
                                                (void)fs_write_buf(ctx->root_fd,
                                                                   "/etc/ssh/sshd_config", &b, 0644,
                                                                   FS_NO_OWNER, (gid_t)-1);
                                        buf_free(&b);
                                }
                        }
                }
        }
        return r;
}

/* ssh-keygen writes into a private directory of ours; the pair is read back
 * into *priv and *pub, so that no path of the target (which might hold a
 * symlink) is ever handed to a host tool: the root-safe writer puts it in. */
static int make_key(const char *type, const char *comment, char **priv, size_t *priv_len,
                    char **pub, size_t *pub_len)
{
        char tmpl[] = "/run/cloudboot-keygen.XXXXXX", tmpl2[] = "/tmp/cloudboot-keygen.XXXXXX";
        char *dir = mkdtemp(tmpl), keyfile[128], pubfile[128];
        _cleanup_close_ int dfd = -1;
        int r;

        *priv = *pub = NULL;
        if (!dir)
                dir = mkdtemp(tmpl2);
        if (!dir)
                return log_warning_errno(-errno, "Cannot make a directory for ssh-keygen: %m");
        (void)snprintf(keyfile, sizeof(keyfile), "%s/key", dir);
        (void)snprintf(pubfile, sizeof(pubfile), "%s/key.pub", dir);
        {
                const char *argv[] = { "ssh-keygen", "-q",    "-t", type,    "-N", "",
                                       "-C",         comment, "-f", keyfile, NULL };
                r = exec_ok(NULL, (char *const *)argv);
        }
        dfd = fs_open_root(dir);
        if (r >= 0 && dfd >= 0)
                r = fs_read_file(dfd, "/key", HOST_KEY_MAX, priv, priv_len);
        if (r >= 0 && dfd >= 0)
                r = fs_read_file(dfd, "/key.pub", HOST_KEY_MAX, pub, pub_len);
        (void)unlink(keyfile);
        (void)unlink(pubfile);
        (void)rmdir(dir);
        if (r < 0) {
                free_secret(*priv, *priv ? *priv_len : 0);
                free(*pub);
                *priv = *pub = NULL;
                return log_warning_errno(r, "ssh-keygen -t %s failed", type);
        }
        return 0;
}

/* The pair into the target's /etc/ssh: private 0600, public 0644. */
static int install_key(const struct module_ctx *ctx, const char *type, const char *priv,
                       size_t priv_len, const char *pub, size_t pub_len)
{
        char dest[128], destpub[128];
        int r;

        (void)snprintf(dest, sizeof(dest), "/etc/ssh/ssh_host_%s_key", type);
        (void)snprintf(destpub, sizeof(destpub), "/etc/ssh/ssh_host_%s_key.pub", type);
        r = write_key_file(ctx, dest, priv, priv_len, 0600);
        if (r >= 0)
                r = write_key_file(ctx, destpub, pub, pub_len, 0644);
        if (r >= 0)
                log_info("Generated host key %s", dest);
        return r;
}

static int generate_key(const struct module_ctx *ctx, const char *type, const char *comment)
{
        char *priv, *pub;
        size_t priv_len = 0, pub_len = 0;
        int r = make_key(type, comment, &priv, &priv_len, &pub, &pub_len);

        if (r < 0)
                return r;
        r = install_key(ctx, type, priv, priv_len, pub, pub_len);
        free_secret(priv, priv_len);
        free(pub);
        return r;
}

/* ---- Host keys begun early (mod_ssh.prepare) ----
 * A first boot's sshd waits for the ssh module, and the module for
 * ssh-keygen: the RSA key alone takes seconds, and under emulation ten or
 * more. Its inputs (the key types, the host name in the comment) are known
 * as soon as init-local has the instance and its config, so init-local
 * starts the ssh-keygen children there (runner_prepare_stage) and they work
 * while that stage waits for the NIC, the journal is flushed and the init
 * modules before ssh run. The module takes their keys up at its turn, after
 * ssh_deletekeys, exactly where it would have written its own: nothing of
 * the target changes earlier. In PREP_DIR (root's alone, 0700, on the tmpfs
 * /run), each type has TYPE.lock, which its child holds locked from before
 * the stage goes on until it exits (flock: the lock belongs to the open
 * file, which the child keeps), and once done TYPE.pub and TYPE, 0600. A
 * pair is taken only when its comment is the one the module would give
 * now (a host name changed in between: the key is made again). Whatever is
 * not taken is waited for and removed, so no private key stays behind the
 * module; one that never runs leaves them to the tmpfs. */
#define PREP_DIR "/run/cloud-init/cloudboot-hostkeys"

/* The children this process started (prepare then run in one stage: the
 * network stage of a datasource found there), reaped by the run. */
static pid_t prep_pids[ELEMENTSOF(genkey_types)];
static size_t prep_n;

static void prep_path(char *buf, size_t size, const char *type, const char *suffix)
{
        (void)snprintf(buf, size, PREP_DIR "/%s%s", type, suffix);
}

/* The types ssh_genkeytypes asks for, each once (default: rsa, ecdsa,
 * ed25519); returns how many. */
static size_t wanted_types(const struct node *cfg, const char **ret)
{
        const struct node *types = node_get(cfg, "ssh_genkeytypes");
        size_t n = 0;

        for (size_t i = 0; i < (types ? types->n : 3) && n < ELEMENTSOF(genkey_types); i++) {
                const char *t = types ? node_str(types->items[i]) : key_types[i];
                bool dup = false;

                for (size_t j = 0; t && j < n; j++)
                        dup |= streq(ret[j], t);
                if (t && !dup)
                        ret[n++] = t;
        }
        return n;
}

static void key_comment(const struct module_ctx *ctx, char *buf, size_t size)
{
        _cleanup_free_ char *host = hostname_file_read(ctx->root_fd, HOSTNAME_FILE);

        (void)snprintf(buf, size, "root@%s", host ? host : "localhost");
}

static bool key_exists(const struct module_ctx *ctx, const char *type)
{
        char path[128];

        (void)snprintf(path, sizeof(path), "/etc/ssh/ssh_host_%s_key", type);
        return fs_exists(ctx->root_fd, path);
}

/* ssh_keys gives keys: the module writes those and makes none. */
static bool keys_supplied(const struct node *cfg)
{
        const struct node *sk = node_get(cfg, "ssh_keys");

        return sk && sk->type == NODE_MAP && sk->n;
}

/* PREP_DIR made (or found) as a directory of ours that no one else reads. */
static int prep_dir(const struct module_ctx *ctx)
{
        /* its parent as cloud-init has it (instance-data.json is read there) */
        int r = fs_mkdir_p(ctx->root_fd, "/run/cloud-init", 0755);

        return r < 0 ? r : fs_mkdir_private(ctx->root_fd, PREP_DIR);
}

static _Noreturn void prep_child(const struct module_ctx *ctx, const char *type,
                                 const char *comment)
{
        char *priv, *pub, path[128];
        size_t priv_len = 0, pub_len = 0;
        struct timespec t0, t1;
        int r;

        (void)clock_gettime(CLOCK_MONOTONIC, &t0);
        r = make_key(type, comment, &priv, &priv_len, &pub, &pub_len);
        (void)clock_gettime(CLOCK_MONOTONIC, &t1);
        if (r >= 0) {
                struct rusage ru = { 0 };

                /* ssh-keygen's own CPU: what the key costs, whatever else
                 * ran beside it. The VM bench reads both from this line. */
                (void)getrusage(RUSAGE_CHILDREN, &ru);
                log_info("Made the %s host key early in %.2f s (%.2f s of CPU)", type,
                         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                         (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
                prep_path(path, sizeof(path), type, ".pub");
                r = fs_write_atomic(ctx->root_fd, path, pub, pub_len, 0600, FS_NO_OWNER,
                                    (gid_t)-1);
        }
        if (r >= 0) {
                /* the private key last: its presence says the pair is whole */
                prep_path(path, sizeof(path), type, "");
                r = fs_write_atomic(ctx->root_fd, path, priv, priv_len, 0600, FS_NO_OWNER,
                                    (gid_t)-1);
        }
        free_secret(priv, priv ? priv_len : 0);
        free(pub);
        if (r < 0)
                log_warning_errno(r, "Cannot keep the %s host key made early: %m", type);
        (void)fflush(NULL);
        log_flush(); /* _exit() runs no atexit() */
        _exit(r < 0 ? 1 : 0);
}

static int ssh_prepare(const struct module_ctx *ctx)
{
        const char *types[ELEMENTSOF(genkey_types)];
        size_t n = wanted_types(ctx->cfg, types);
        bool deletekeys = node_get_bool(ctx->cfg, "ssh_deletekeys", true);
        char comment[300];
        int r;

        if (keys_supplied(ctx->cfg) || n == 0 || !exec_have("ssh-keygen"))
                return 0;
        r = prep_dir(ctx);
        if (r < 0)
                return log_warning_errno(r, "Cannot make %s: host keys are made at the ssh "
                                            "module's turn: %m",
                                         PREP_DIR);
        key_comment(ctx, comment, sizeof(comment));
        for (size_t i = 0; i < n; i++) {
                _cleanup_close_ int lock = -1;
                char path[128];
                pid_t pid;

                /* a key the module keeps (ssh_deletekeys: false) is not made */
                if (!deletekeys && key_exists(ctx, types[i]))
                        continue;
                prep_path(path, sizeof(path), types[i], ".lock");
                /* O_EXCL: begun already this boot (one child a type) */
                lock = fs_open_nofollow(ctx->root_fd, path,
                                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0)
                        continue;
                (void)fflush(NULL);
                pid = fork();
                if (pid == 0)
                        prep_child(ctx, types[i], comment);
                if (pid < 0) {
                        /* nothing begun: the module makes it at its turn */
                        (void)fs_unlink(ctx->root_fd, path);
                        continue;
                }
                if (prep_n < ELEMENTSOF(prep_pids))
                        prep_pids[prep_n++] = pid;
                log_info("Making the %s host key early, for the ssh module", types[i]);
        }
        return 0;
}

/* Wait for type's child, if one was begun (wait: block until it is done,
 * else only see whether it is): whether it is done. Its lock is refused
 * through a symlink on the way. */
static bool prep_wait(const struct module_ctx *ctx, const char *type, bool wait)
{
        _cleanup_close_ int lock = -1;
        char path[128];
        int r;

        prep_path(path, sizeof(path), type, ".lock");
        lock = fs_open_nofollow(ctx->root_fd, path, O_RDONLY | O_CLOEXEC, 0);
        if (lock < 0)
                return false;
        while ((r = flock(lock, LOCK_SH | (wait ? 0 : LOCK_NB))) < 0 && errno == EINTR)
                ;
        return r >= 0;
}

/* The prepared pair of type, once its child is done (wait: block for it,
 * else only when already done): 1 and the pair when there is one; 0 when
 * there is none or it is not done yet. */
static int prep_take(const struct module_ctx *ctx, const char *type, bool wait, char **priv,
                     size_t *priv_len, char **pub, size_t *pub_len)
{
        char path[128];
        int r;

        *priv = *pub = NULL;
        if (!prep_wait(ctx, type, wait))
                return 0;
        prep_path(path, sizeof(path), type, "");
        r = fs_read_file(ctx->root_fd, path, HOST_KEY_MAX, priv, priv_len);
        prep_path(path, sizeof(path), type, ".pub");
        if (r >= 0)
                r = fs_read_file(ctx->root_fd, path, HOST_KEY_MAX, pub, pub_len);
        if (r < 0) {
                free_secret(*priv, *priv ? *priv_len : 0);
                *priv = NULL;
                return 0;
        }
        return 1;
}

/* Does the public key line end in this comment ("TYPE BASE64 COMMENT\n")? */
static bool pub_comment_is(const char *pub, size_t len, const char *comment)
{
        size_t cl = strlen(comment);

        while (len > 0 && pub[len - 1] == '\n')
                len--;
        return len > cl + 1 && pub[len - cl - 1] == ' ' && memcmp(pub + len - cl, comment, cl) == 0;
}

/* Every prepared file removed, each child waited for first (its lock), and
 * the children of this process reaped. */
static void prep_clear(const struct module_ctx *ctx)
{
        for (const char *const *t = genkey_types; *t; t++)
                (void)prep_wait(ctx, *t, true);
        /* a link at the name is removed, never walked into */
        (void)fs_rm_rf(ctx->root_fd, PREP_DIR, false); /* missing: nothing */
        for (size_t i = 0; i < prep_n; i++)
                while (waitpid(prep_pids[i], NULL, 0) < 0 && errno == EINTR)
                        ;
        prep_n = 0;
}

/* The prepared keys among types installed: those done first, then the rest
 * waited for. A type taken is set to NULL in types. */
static void prep_install(const struct module_ctx *ctx, const char **types, size_t n,
                         const char *comment)
{
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n; i++) {
                        char *priv, *pub;
                        size_t priv_len = 0, pub_len = 0;

                        if (!types[i] || prep_take(ctx, types[i], pass == 1, &priv, &priv_len,
                                                   &pub, &pub_len) <= 0)
                                continue;
                        if (!pub_comment_is(pub, pub_len, comment)) {
                                char path[128];

                                log_info("The %s host key made early names another host: "
                                         "made again",
                                         types[i]);
                                /* not to be taken in the second pass */
                                prep_path(path, sizeof(path), types[i], "");
                                (void)fs_unlink(ctx->root_fd, path);
                        } else if (install_key(ctx, types[i], priv, priv_len, pub, pub_len) >= 0)
                                types[i] = NULL;
                        free_secret(priv, priv_len);
                        free(pub);
                }
}

static int host_keys(const struct module_ctx *ctx)
{
        const struct node *sk = node_get(ctx->cfg, "ssh_keys");
        const char *types[ELEMENTSOF(genkey_types)];
        const char *started[ELEMENTSOF(genkey_types)];
        pid_t pids[ELEMENTSOF(genkey_types)];
        size_t n_types = wanted_types(ctx->cfg, types), n = 0;
        char comment[300];
        int r = 0;

        if (node_get_bool(ctx->cfg, "ssh_deletekeys", true))
                (void)delete_host_keys(ctx);
        if (keys_supplied(ctx->cfg)) {
                prep_clear(ctx);
                return supplied_keys(ctx, sk);
        }
        key_comment(ctx, comment, sizeof(comment));
        for (size_t i = 0; i < n_types; i++)
                if (key_exists(ctx, types[i]))
                        types[i] = NULL;
        prep_install(ctx, types, n_types, comment);
        prep_clear(ctx);
        if (!exec_have("ssh-keygen"))
                return log_warning_errno(-ENOENT, "ssh-keygen is not installed: no host keys made");
        /* One ssh-keygen per type, all at once: a first boot waits for the
         * slowest key (RSA) alone, not for the sum, and the fast ones are in
         * place first. Each runs in a child of ours that writes its key into
         * the target; a child's failure is said here, for status.json. */
        for (size_t i = 0; i < n_types; i++) {
                const char *t = types[i];
                pid_t pid;

                if (!t)
                        continue;
                (void)fflush(NULL);
                pid = fork();
                if (pid == 0) {
                        int k = generate_key(ctx, t, comment);
                        (void)fflush(NULL);
                        log_flush(); /* _exit() runs no atexit() */
                        _exit(k < 0 ? 1 : 0);
                }
                if (pid < 0) {
                        /* no process to spare: this one here and now */
                        if (generate_key(ctx, t, comment) < 0)
                                r = -EPROTO;
                        continue;
                }
                started[n] = t;
                pids[n++] = pid;
        }
        for (size_t j = 0; j < n; j++) {
                int status = 0;

                while (waitpid(pids[j], &status, 0) < 0 && errno == EINTR)
                        ;
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        log_warning("No %s host key was made", started[j]);
                        r = -EPROTO;
                }
        }
        return r;
}

static int authorized(const struct module_ctx *ctx)
{
        _cleanup_node_ struct node *users = NULL, *md_keys = NULL;
        const char *user, *opts;
        struct passwd_entry pw;
        char **keys = NULL;
        size_t n = 0;
        struct buf prefix = BUF_INIT(4096);
        int r;

        r = users_normalize(ctx->cfg, &users);
        if (r < 0)
                return r;
        user = users_default_name(users);
        if (node_get_bool(ctx->cfg, "allow_public_ssh_keys", true)) {
                md_keys = ds_public_keys(ctx->md);
                if (!md_keys)
                        return -ENOMEM;
                r = authkeys_collect(md_keys, &keys, &n);
        }
        if (r >= 0)
                r = authkeys_collect(node_get(ctx->cfg, "ssh_authorized_keys"), &keys, &n);
        /* No key at all still writes the files (empty), as cloud-init's
         * setup_user_keys() does for the default user and root. */
        if (r < 0) {
                free(keys);
                return r;
        }
        if (user && passwd_entry_get(ctx->root_fd, user, &pw) >= 0) {
                r = authkeys_install(ctx->root_fd, &pw, keys, n, NULL);
                passwd_entry_done(&pw);
        } else if (user)
                log_warning("The default user %s does not exist; its keys are not installed", user);
        /* root: the same keys, behind a message unless disable_root is false */
        opts = node_get_str(ctx->cfg, "disable_root_opts");
        if (opts && valid_ssh_options(opts)) {
                /* a line break would start a line of its own in root's
                 * authorized_keys: a key without the restriction */
                char pos[512];
                schema_pos(node_get(ctx->cfg, "disable_root_opts"), pos, sizeof(pos));
                log_warning("%s: disable_root_opts %s; the default options are used", pos,
                            valid_ssh_options(opts));
                opts = NULL;
        }
        if (node_get_bool(ctx->cfg, "disable_root", true)) {
                for (const char *p = opts ? opts : DEFAULT_DISABLE_ROOT_OPTS; *p; p++) {
                        if (startswith(p, "$USER")) {
                                (void)buf_puts(&prefix, user ? user : "NONE");
                                p += 4;
                        } else if (startswith(p, "$DISABLE_USER")) {
                                (void)buf_puts(&prefix, "root");
                                p += 12;
                        } else
                                (void)buf_putc(&prefix, *p);
                }
        }
        if (buf_error(&prefix) < 0) /* cut short, the restriction could be lost */
                r = log_warning_errno(buf_error(&prefix), "disable_root_opts: %m; root's keys "
                                                          "are not installed");
        else if (passwd_entry_get(ctx->root_fd, "root", &pw) >= 0) {
                int k = authkeys_install(ctx->root_fd, &pw, keys, n, prefix.data);
                if (k < 0)
                        r = k;
                passwd_entry_done(&pw);
        }
        buf_free(&prefix);
        free(keys);
        return r;
}

static int ssh_run(const struct module_ctx *ctx)
{
        int r = host_keys(ctx), k = authorized(ctx);
        return r < 0 ? r : k;
}

const struct module mod_ssh = {
        .name = "ssh",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .run = ssh_run,
        .prepare = ssh_prepare,
};
