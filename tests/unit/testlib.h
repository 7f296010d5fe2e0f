/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the cmocka unit tests: temporary target roots, files in
 * them, and the log captured so that tests can assert on messages. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "node.h"
#include "yaml.h"

struct troot {
        char path[256];
        int fd;
        struct buf log;
};

static inline void troot_make(struct troot *t)
{
        (void)snprintf(t->path, sizeof(t->path), "/tmp/cloudboot-test.XXXXXX");
        assert_non_null(mkdtemp(t->path));
        t->fd = fs_open_root(t->path);
        assert_true(t->fd >= 0);
        t->log = BUF_INIT(1u << 20);
        log_capture(&t->log);
}

static inline void troot_free(struct troot *t)
{
        log_capture(NULL);
        log_records_reset();
        buf_free(&t->log);
        assert_int_equal(fs_rm_rf(t->fd, "/", true), 0);
        (void)close(t->fd);
        (void)rmdir(t->path);
}

static inline struct node *test_yaml(const char *text);

static inline void troot_write(struct troot *t, const char *path, const char *content)
{
        assert_int_equal(fs_write_atomic(t->fd, path, content, strlen(content), 0644, FS_NO_OWNER,
                                         (gid_t)-1),
                         0);
}

/* Contents of a file in the root (caller frees), or NULL if missing. */
/* A program in the target (a fake tool the module under test runs): 0755. */
static inline void troot_write_exec(struct troot *t, const char *path, const char *text)
{
        assert_int_equal(
                fs_write_atomic(t->fd, path, text, strlen(text), 0755, FS_NO_OWNER, (gid_t)-1), 0);
}

static inline char *troot_read(struct troot *t, const char *path)
{
        char *data = NULL;
        if (fs_read_file(t->fd, path, 1u << 24, &data, NULL) < 0)
                return NULL;
        return data;
}

static inline void assert_file_eq(struct troot *t, const char *path, const char *want)
{
        char *got = troot_read(t, path);
        if (!got)
                fail_msg("%s is missing, expected \"%s\"", path, want);
        if (strcmp(got, want) != 0)
                fail_msg("%s holds \"%s\", expected \"%s\"", path, got, want);
        free(got);
}

static inline mode_t troot_mode(struct troot *t, const char *path)
{
        struct stat st;
        int fd = fs_open_in_root(t->fd, path, O_PATH | O_NOFOLLOW, 0);
        assert_true(fd >= 0);
        assert_int_equal(fstat(fd, &st), 0);
        (void)close(fd);
        return st.st_mode;
}

static inline void assert_log_has(struct troot *t, const char *needle)
{
        if (!t->log.data || !strstr(t->log.data, needle))
                fail_msg("log lacks \"%s\"; it holds:\n%s", needle, t->log.data ? t->log.data : "");
}

/* Stub programs: a directory put first on PATH whose programs append one
 * line per call to <dir>/calls ("name [arg] [arg]...") and their stdin to
 * <dir>/stdin, and exit with the number in <dir>/exit-<name> (0 if none). */
static inline void stubs_make(char *dir, size_t size, const char *const *names)
{
        char path[512], newpath[4096];
        (void)snprintf(dir, size, "/tmp/cloudboot-stubs.XXXXXX");
        assert_non_null(mkdtemp(dir));
        for (const char *const *n = names; *n; n++) {
                FILE *f;
                (void)snprintf(path, sizeof(path), "%s/%s", dir, *n);
                f = fopen(path, "w");
                assert_non_null(f);
                fprintf(f, "#!/bin/sh\nd=%s\n", dir);
                fputs("{ printf '%s' \"$(basename \"$0\")\"; for a in \"$@\"; do printf ' [%s]' "
                      "\"$a\"; done; echo; } >>\"$d/calls\"\n"
                      "cat >>\"$d/stdin\"\n"
                      "n=$(basename \"$0\")\n"
                      "[ -f \"$d/exit-$n\" ] && exit \"$(cat \"$d/exit-$n\")\"\n"
                      "exit 0\n",
                      f);
                fclose(f);
                assert_int_equal(chmod(path, 0755), 0);
        }
        (void)snprintf(newpath, sizeof(newpath), "%s:%s", dir,
                       getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
        assert_int_equal(setenv("PATH", newpath, 1), 0);
}

static inline char *stubs_read(const char *dir, const char *file)
{
        char path[512], *data = NULL;
        int fd;
        (void)snprintf(path, sizeof(path), "%s/%s", dir, file);
        fd = fs_open_root("/");
        if (fs_read_file(fd, path, 1u << 20, &data, NULL) < 0)
                data = strdup("");
        (void)close(fd);
        return data;
}

static inline void stubs_free(const char *dir)
{
        char cmd[600];
        const char *path = getenv("PATH"), *colon = path ? strchr(path, ':') : NULL;
        if (colon)
                (void)setenv("PATH", colon + 1, 1);
        (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
}

/* A small real system in the root for chrooted commands (needs root and
 * busybox-static): returns false, after skip(), when it cannot be made. */
static inline bool troot_make_system(struct troot *t)
{
        static const char *const applets[] = { "sh",    "echo", "cat", "env",  "printf", "touch",
                                               "mkdir", "id",   "ls",  "true", "false",  NULL };
        char cmd[1024];
        if (geteuid() != 0 || access("/bin/busybox", X_OK) != 0)
                return false;
        (void)snprintf(cmd, sizeof(cmd), "mkdir -p '%s/bin' '%s/tmp' && cp /bin/busybox '%s/bin/'",
                       t->path, t->path, t->path);
        assert_int_equal(system(cmd), 0);
        for (const char *const *a = applets; *a; a++) {
                char link[512];
                (void)snprintf(link, sizeof(link), "%s/bin/%s", t->path, *a);
                assert_int_equal(symlink("busybox", link), 0);
        }
        return true;
}

/* A new root with troot_make_system()'s small system, for modules that run
 * commands chrooted in it; skips the test, the root freed, where the system
 * cannot be made. */
static inline void troot_make_target(struct troot *t)
{
        troot_make(t);
        if (!troot_make_system(t)) {
                troot_free(t);
                skip();
        }
}

/* Fake tools for the modules that run programs in the target (chrooted, so the
 * root needs troot_make_system()). FAKE_RECORDER appends one line per call,
 * "name args...", to /calls in the root; FAKE_RECORDER_STDIN also appends
 * what it reads on stdin to /stdin. A test that needs a tool to answer
 * writes its own script and starts it with one of these. */
#define FAKE_RECORDER "#!/bin/sh\necho \"${0##*/} $*\" >> /calls\n"
#define FAKE_RECORDER_STDIN FAKE_RECORDER "cat >> /stdin\n"

/* A new root with a small system and `script` installed at each of `tools`
 * (paths in the root, NULL-terminated). Skips the test, the root freed,
 * where the system cannot be made. */
static inline void troot_make_fakes(struct troot *t, const char *script, const char *const *tools)
{
        troot_make_target(t);
        for (const char *const *p = tools; *p; p++)
                troot_write_exec(t, *p, script);
}

/* What the fakes recorded: /calls holds exactly `want`, or, with want NULL,
 * no fake ran at all. */
static inline void assert_calls(struct troot *t, const char *want)
{
        char *got;
        if (want) {
                assert_file_eq(t, "/calls", want);
                return;
        }
        got = troot_read(t, "/calls");
        if (got)
                fail_msg("no tool should have run; /calls holds \"%s\"", got);
}

/* tests/helpers/fakemeta (FAKEMETA in the environment) on 127.0.0.1 serving
 * the root srv, with the rules in srv's file `rules` (NULL: none). Returns its
 * pid and its port in *ret_port; skips the test, srv freed, without fakemeta.
 * fakemeta_stop() ends it. */
static inline pid_t fakemeta_start(struct troot *srv, const char *rules, int *ret_port)
{
        const char *bin = getenv("FAKEMETA");
        char rules_path[512], line[32] = "", *end;
        int p[2];
        pid_t pid;
        ssize_t n;
        long port;

        if (!bin || access(bin, X_OK) != 0) {
                troot_free(srv);
                skip();
        }
        if (rules)
                (void)snprintf(rules_path, sizeof(rules_path), "%s%s", srv->path, rules);
        assert_int_equal(pipe(p), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                dup2(p[1], STDOUT_FILENO);
                close(p[0]);
                if (rules)
                        execl(bin, bin, "--listen", "127.0.0.1:0", "--rules", rules_path, srv->path,
                              (char *)NULL);
                else
                        execl(bin, bin, "--listen", "127.0.0.1:0", srv->path, (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        n = read(p[0], line, sizeof(line) - 1);
        close(p[0]);
        assert_true(n > 0);
        errno = 0;
        port = strtol(line, &end, 10);
        if (errno != 0 || end == line || port <= 0 || port > 65535)
                fail_msg("fakemeta printed \"%s\", not its port", line);
        *ret_port = (int)port;
        return pid;
}

static inline void fakemeta_stop(pid_t pid)
{
        int st;
        (void)kill(pid, SIGTERM);
        (void)waitpid(pid, &st, 0);
}

#include "module.h"
#include "config_schema.h"
#include "schema.h"

/* The context a module gets in these tests: the troot, instance i-test. */
static inline struct module_ctx troot_module_ctx(struct troot *t, const struct node *cfg,
                                                 const struct node *md)
{
        return (struct module_ctx){ .root_fd = t->fd,
                                    .root = t->path,
                                    .iid = "i-test",
                                    .iid_raw = "i-test",
                                    .datasource = "DataSourceNoCloud [seed=/s][dsmode=net]",
                                    .stage = "test",
                                    .cfg = cfg,
                                    .md = md };
}

/* Run a module on the root with cfg and meta-data texts, validated as a stage would. */
static inline int troot_run_mod(struct troot *t, const struct module *m, const char *cfg_text,
                                const char *md_text);
static inline int troot_run_module(struct troot *t, const char *mod, const char *cfg_text,
                                   const char *md_text)
{
        return troot_run_mod(t, module_find(mod), cfg_text, md_text);
}

/* The same for a module given by its descriptor (an external module compiled
 * into the test with EXTMOD_NO_MAIN): the config is validated by the whole
 * registry's schema, then by the module's own keys. */
static inline int troot_run_mod(struct troot *t, const struct module *m, const char *cfg_text,
                                const char *md_text)
{
        struct node *cfg = test_yaml(cfg_text), *md = test_yaml(md_text ? md_text : "{}");
        struct schema_report rep = { 0 };
        struct module_ctx ctx = troot_module_ctx(t, cfg, md);
        int r;
        schema_validate_config(cfg, &rep);
        for (const struct schema_prop *p = m->keys; p && p->name; p++) {
                struct node *v = node_get(cfg, p->name);
                if (v && p->schema && !schema_check(p->schema, v, p->name, &rep))
                        node_del(cfg, p->name);
        }
        r = m->run(&ctx);
        node_free(cfg);
        node_free(md);
        return r;
}

/* A module's prepare hook (struct module) with the context
 * troot_run_module() gives its run. */
static inline int troot_prepare_module(struct troot *t, const char *mod, const char *cfg_text)
{
        const struct module *m = module_find(mod);
        struct node *cfg = test_yaml(cfg_text), *md = test_yaml("{}");
        struct module_ctx ctx = troot_module_ctx(t, cfg, md);
        int r;
        assert_non_null(m->prepare);
        r = m->prepare(&ctx);
        node_free(cfg);
        node_free(md);
        return r;
}

/* Run a module as troot_run_module() does and return what it wrote on
 * `out_fd`: STDOUT_FILENO is the console and the journal under systemd,
 * STDERR_FILENO the caller's console under --root. */
static inline char *troot_run_module_output(struct troot *t, const char *mod, const char *cfg,
                                            const char *md, int out_fd, int *ret)
{
        char path[] = "/tmp/cloudboot-output.XXXXXX";
        int fd = mkstemp(path), saved, hostfd;
        char *out = NULL;

        assert_true(fd >= 0);
        fflush(NULL);
        saved = dup(out_fd);
        assert_int_equal(dup2(fd, out_fd), out_fd);
        *ret = troot_run_module(t, mod, cfg, md);
        fflush(NULL);
        assert_int_equal(dup2(saved, out_fd), out_fd);
        close(saved);
        close(fd);
        hostfd = fs_open_root("/");
        assert_int_equal(fs_read_file(hostfd, path, 1 << 20, &out, NULL), 0);
        close(hostfd);
        unlink(path);
        return out;
}

static inline char *troot_run_module_stdout(struct troot *t, const char *mod, const char *cfg,
                                            const char *md, int *ret)
{
        return troot_run_module_output(t, mod, cfg, md, STDOUT_FILENO, ret);
}

/* Parse YAML that a test knows to be valid. */
static inline struct node *test_yaml(const char *text)
{
        struct yaml_error err;
        struct node *n = NULL;
        if (yaml_load(text, strlen(text), "test.yaml", NULL, &n, &err) < 0)
                fail_msg("test YAML does not parse: %u:%u: %s", err.line, err.col, err.msg);
        return n;
}

/* a and b the same tree (node_same), where names the comparison */
static inline void assert_node_same(const struct node *a, const struct node *b, const char *where)
{
        if (!node_same(a, b))
                fail_msg("%s: the trees differ", where);
}

/* Does openat2(2) answer? Under valgrind, which does not know it, fs.c walks
 * each path itself (resolve_open(), an openat(2) a component), so counts of
 * opens are checked only where it answers; what the opens do is checked
 * everywhere. Asked once. */
/* volatile: the compiler cannot see that syscall() (wrapped) reads it */
static volatile bool test_probing; /* the probe's own openat2 is not counted */
static inline bool test_have_openat2(void)
{
        static int have = -1;

        if (have < 0) {
                struct open_how how = { .flags = O_PATH | O_CLOEXEC };
                long fd;

                test_probing = true;
                fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
                test_probing = false;

                have = fd >= 0 || errno != ENOSYS;
                if (fd >= 0)
                        (void)close((int)fd);
        }
        return have;
}

/* For a test linked with -Wl,--wrap=syscall: defines the wrapper, which
 * counts in counter (an unsigned) the openat2(2) calls that go through
 * syscall(2), as fs_open_in_root()'s do, and makes every call. */
#define TEST_COUNT_OPENAT2(counter)                                                                \
        long __real_syscall(long nr, ...);                                                         \
        long __wrap_syscall(long nr, ...);                                                         \
        long __wrap_syscall(long nr, ...)                                                          \
        {                                                                                          \
                va_list ap;                                                                        \
                long a[4];                                                                         \
                                                                                                   \
                va_start(ap, nr);                                                                  \
                for (int i = 0; i < 4; i++)                                                        \
                        a[i] = va_arg(ap, long);                                                   \
                va_end(ap);                                                                        \
                if (nr == SYS_openat2 && !test_probing)                                            \
                        (counter)++;                                                               \
                return __real_syscall(nr, a[0], a[1], a[2], a[3]);                                 \
        }

/* counter (opens counted by the test) is n, where openat2 answers. */
#define assert_opens(counter, n)                                                                   \
        do {                                                                                       \
                unsigned _seen = (counter);                                                        \
                if (test_have_openat2())                                                           \
                        assert_int_equal(_seen, (n));                                              \
        } while (0)
