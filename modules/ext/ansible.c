/* SPDX-License-Identifier: Apache-2.0 */
/* ansible (external module), cloud-init's cc_ansible: install ansible (the
 * distro package, or pip), then run ansible-galaxy actions, ansible-pull for
 * each `pull` entry and the `setup_controller` steps (git clone of
 * repositories, ansible-playbook runs), as run_user when given. Every command
 * is an argv: options are `--key=value` (`--key` for true, nothing for
 * false) in the order the config gives them, as cloud-init's filter_args
 * makes them; positional values that could be read as options are refused.
 * Where cloud-init runs a command as another user through `su - USER -c`
 * and a shell line, it is `runuser -u USER -- argv` here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"
#include "valid.h"

#define ANSIBLE_TIMEOUT 3600u

static const char *const methods[] = { "distro", "pip", NULL };

static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_operand = { .types = T_STR, .check = cm_check_operand };
static const struct schema s_path = { .types = T_STR, .check = cm_check_path };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_num = { .types = T_INT | T_FLOAT };
static const struct schema s_user = { .types = T_STR, .check = valid_user_name };
static const struct schema s_word = { .types = T_STR, .check = cm_check_word };
static const struct schema s_method = { .types = T_STR, .enums = methods };
static const struct schema s_playbooks = { .types = T_SEQ, .items = &s_operand };

/* ansible.pull: cloud-init's $defs/ansible.pull */
static const struct schema_prop pull_props[] = {
        { "accept_host_key", &s_bool, false },
        { "clean", &s_bool, false },
        { "full", &s_bool, false },
        { "diff", &s_bool, false },
        { "ssh_common_args", &s_str, false },
        { "scp_extra_args", &s_str, false },
        { "sftp_extra_args", &s_str, false },
        { "private_key", &s_str, false },
        { "checkout", &s_str, false },
        { "module_path", &s_str, false },
        { "timeout", &s_str, false },
        { "url", &s_str, false },
        { "connection", &s_str, false },
        { "vault_id", &s_str, false },
        { "vault_password_file", &s_str, false },
        { "verify_commit", &s_bool, false },
        { "inventory", &s_str, false },
        { "module_name", &s_str, false },
        { "sleep", &s_str, false },
        { "tags", &s_str, false },
        { "skip_tags", &s_str, false },
        { "playbook_name", &s_operand, false },
        { "playbook_names", &s_playbooks, false },
        { NULL, NULL, false },
};
static const struct schema s_pull_one = { .types = T_MAP, .props = pull_props, .closed = true };
static const struct schema s_pull = { .types = T_MAP | T_SEQ,
                                      .items = &s_pull_one,
                                      .props = pull_props,
                                      .closed = true };

static const struct schema s_action = { .types = T_SEQ, .items = &s_str };
static const struct schema s_actions = { .types = T_SEQ, .items = &s_action };
static const struct schema_prop galaxy_props[] = {
        { "actions", &s_actions, true },
        { NULL, NULL, false },
};
static const struct schema s_galaxy = { .types = T_MAP, .props = galaxy_props, .closed = true };

static const struct schema_prop repo_props[] = {
        { "path", &s_operand, true },
        { "source", &s_operand, true },
        { NULL, NULL, false },
};
static const struct schema s_repo = { .types = T_MAP, .props = repo_props, .closed = true };
static const struct schema s_repos = { .types = T_SEQ, .items = &s_repo };
static const struct schema_prop run_props[] = {
        { "playbook_name", &s_operand, false },
        { "playbook_dir", &s_path, false },
        { "become_password_file", &s_str, false },
        { "connection_password_file", &s_str, false },
        { "list_hosts", &s_bool, false },
        { "syntax_check", &s_bool, false },
        { "timeout", &s_num, false },
        { "vault_id", &s_str, false },
        { "vault_password_file", &s_str, false },
        { "background", &s_num, false },
        { "check", &s_bool, false },
        { "diff", &s_bool, false },
        { "module_path", &s_str, false },
        { "poll", &s_num, false },
        { "args", &s_str, false },
        { "extra_vars", &s_str, false },
        { "forks", &s_num, false },
        { "inventory", &s_str, false },
        { "scp_extra_args", &s_str, false },
        { "sftp_extra_args", &s_str, false },
        { "private_key", &s_str, false },
        { "connection", &s_str, false },
        { "module_name", &s_str, false },
        { "sleep", &s_str, false },
        { "tags", &s_str, false },
        { "skip_tags", &s_str, false },
        { NULL, NULL, false },
};
static const struct schema s_run = { .types = T_MAP, .props = run_props, .closed = true };
static const struct schema s_runs = { .types = T_SEQ, .items = &s_run };
static const struct schema_prop ctl_props[] = {
        { "repositories", &s_repos, false },
        { "run_ansible", &s_runs, false },
        { NULL, NULL, false },
};
static const struct schema s_ctl = { .types = T_MAP, .props = ctl_props, .closed = true };

static const struct schema_prop ansible_props[] = {
        { "install_method", &s_method, false },
        { "run_user", &s_user, false },
        { "ansible_config", &s_str, false },
        { "setup_controller", &s_ctl, false },
        { "galaxy", &s_galaxy, false },
        { "package_name", &s_word, false },
        { "pull", &s_pull, false },
        { NULL, NULL, false },
};
static const struct schema s_ansible = { .types = T_MAP, .props = ansible_props, .closed = true };
static const struct schema_prop keys[] = {
        { "ansible", &s_ansible, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "ansible", NULL };

struct ansible {
        struct sysconf_target t;
        int root_fd;
        const char *user;
        bool pip;
        const char *env[4];
        char *env_buf[4];
};

static int run_as(struct ansible *a, const char *dir, char *const *argv, struct buf *capture)
{
        char line[512];
        int status = 0, r;

        cm_argv_str(argv, line, sizeof(line));
        log_info("Running %s%s%s", line, a->user ? " as " : "", a->user ? a->user : "");
        r = cm_run(&a->t, a->user, dir, argv, a->env, NULL, 0, ANSIBLE_TIMEOUT, capture, &status);
        if (r == -EPROTO)
                log_warning("%s exited with status %d", argv[0], status);
        else if (r < 0)
                log_warning_errno(r, "Cannot run %s: %m", argv[0]);
        return r;
}

/* The key as an option: cloud-init's filter_args (underscores to dashes,
 * false left out, true a bare flag, anything else --key=value). */
static void add_option(struct cm_argv *cmd, const char *key, const struct node *v)
{
        char name[64];
        size_t i;

        for (i = 0; key[i] && i < sizeof(name) - 1; i++)
                name[i] = key[i] == '_' ? '-' : key[i];
        name[i] = '\0';
        if (v->type == NODE_BOOL) {
                if (v->b)
                        cm_addf(cmd, "--%s", name);
        } else if (v->type == NODE_STR) {
                cm_addf(cmd, "--%s=%s", name, v->str);
        } else if (v->type == NODE_INT) {
                cm_addf(cmd, "--%s=%lld", name, v->i);
        } else if (v->type == NODE_FLOAT && v->str) {
                cm_addf(cmd, "--%s=%s", name, v->str);
        }
}

static bool have_ansible(struct ansible *a)
{
        if (!a->pip)
                return sysconf_have(a->root_fd, "ansible");
        /* cloud-init: "ansible" in the output of pip list */
        struct buf out = BUF_INIT(1u << 20);
        char *const list[] = { "python3", "-m", "pip", "list", a->user ? "--user" : NULL, NULL };
        bool found;

        found = run_as(a, NULL, list, &out) >= 0 && out.data && strstr(out.data, "ansible");
        buf_free(&out);
        return found;
}

/* Does the target's Python refuse pip installs outside a venv (PEP 668)? */
static bool externally_managed(int root_fd)
{
        char **names = NULL, path[256];
        size_t n = 0;
        bool found = false;

        if (fs_list_dir(root_fd, "/usr/lib", "python3.*", 64, &names, &n) < 0)
                return false;
        for (size_t i = 0; i < n && !found; i++) {
                (void)snprintf(path, sizeof(path), "/usr/lib/%s/EXTERNALLY-MANAGED", names[i]);
                found = fs_exists(root_fd, path);
        }
        fs_list_free(names, n);
        return found;
}

static int install(struct ansible *a, const char *pkg)
{
        if (have_ansible(a))
                return 0;
        if (!a->pip) {
                const char *pkgs[] = { pkg };
                return sysconf_install(&a->t, a->root_fd, pkgs, 1);
        }
        if (!sysconf_have(a->root_fd, "pip3")) {
                const char *pkgs[] = { "python3-pip" };
                (void)sysconf_install(&a->t, a->root_fd, pkgs, 1);
        }
        struct cm_argv cmd = { .n = 0 };
        int r;

        cm_add(&cmd, "python3");
        cm_add(&cmd, "-m");
        cm_add(&cmd, "pip");
        cm_add(&cmd, "install");
        if (externally_managed(a->root_fd))
                cm_add(&cmd, "--break-system-packages");
        if (a->user)
                cm_add(&cmd, "--user");
        cm_add(&cmd, "--upgrade");
        cm_add(&cmd, "pip");
        if (!cmd.failed && run_as(a, NULL, cmd.v, NULL) < 0)
                log_warning("Failed at upgrading pip. This is usually not critical so the "
                            "script will skip this step.");
        free(cmd.v[--cmd.n]);
        free(cmd.v[--cmd.n]);
        cm_add(&cmd, pkg);
        r = cmd.failed ? -E2BIG : run_as(a, NULL, cmd.v, NULL);
        cm_argv_done(&cmd);
        if (r >= 0)
                log_info("Installed the %s package", pkg);
        return r;
}

/* ansible-pull --version: the version's major and minor, or -1. */
static void pull_version(struct ansible *a, int *major, int *minor)
{
        struct buf out = BUF_INIT(65536);
        char *const cmd[] = { "ansible-pull", "--version", NULL };

        *major = *minor = -1;
        if (run_as(a, NULL, cmd, &out) >= 0 && out.data) {
                const char *p = out.data;
                while (*p && *p != '\n' && (*p < '0' || *p > '9'))
                        p++;
                if (sscanf(p, "%d.%d", major, minor) != 2)
                        *major = *minor = -1;
        }
        buf_free(&out);
}

static int pull_one(struct ansible *a, const struct node *p)
{
        const struct node *one = node_get(p, "playbook_name"), *many = node_get(p, "playbook_names");
        struct cm_argv cmd = { .n = 0 };
        int major, minor, r = 0;

        if (!node_get_str(p, "url")) {
                log_error("ansible.pull: missing required key 'url'");
                return -EINVAL;
        }
        if (!one && !many) {
                log_error("ansible.pull: missing required key 'playbook_names'");
                return -EINVAL;
        }
        if (one && many) {
                log_error("ansible.pull: keys 'playbook_name' and 'playbook_names' are mutually "
                          "exclusive; use 'playbook_names'");
                return -EINVAL;
        }
        pull_version(a, &major, &minor);
        if (major < 0)
                log_warning("Cannot parse ansible version");
        else if ((major < 2 || (major == 2 && minor < 7)) && node_get_bool(p, "diff", false)) {
                log_error("Ansible version %d.%d doesn't support --diff flag, exiting.", major,
                          minor);
                return -ENOTSUP;
        }
        cm_add(&cmd, "ansible-pull");
        for (size_t i = 0; i + 1 < p->n; i += 2) {
                const char *k = p->items[i]->str;
                if (streq(k, "playbook_name") || streq(k, "playbook_names"))
                        continue;
                add_option(&cmd, k, p->items[i + 1]);
        }
        if (major < 0 || major > 2 || (major == 2 && minor >= 12)) {
                /* several playbooks in one run since 2.12 */
                if (one)
                        cm_add(&cmd, one->str);
                for (size_t i = 0; many && i < many->n; i++)
                        cm_add(&cmd, many->items[i]->str);
                r = cmd.failed ? -E2BIG : run_as(a, NULL, cmd.v, NULL);
        } else {
                size_t n = one ? 1 : many->n;
                for (size_t i = 0; i < n && r >= 0; i++) {
                        cm_add(&cmd, one ? one->str : many->items[i]->str);
                        r = cmd.failed ? -E2BIG : run_as(a, NULL, cmd.v, NULL);
                        free(cmd.v[--cmd.n]);
                        cmd.v[cmd.n] = NULL;
                }
        }
        cm_argv_done(&cmd);
        return r;
}

static int galaxy(struct ansible *a, const struct node *g)
{
        const struct node *actions = node_get(g, "actions");
        int r = 0;

        if (!actions || actions->type != NODE_SEQ || actions->n == 0) {
                log_warning("ansible.galaxy: no actions to run");
                return 0;
        }
        for (size_t i = 0; i < actions->n && r >= 0; i++) {
                const struct node *act = actions->items[i];
                struct cm_argv cmd = { .n = 0 };

                if (act->n == 0)
                        continue;
                for (size_t j = 0; j < act->n; j++)
                        cm_add(&cmd, act->items[j]->str);
                r = cmd.failed ? -E2BIG : run_as(a, NULL, cmd.v, NULL);
                cm_argv_done(&cmd);
        }
        return r;
}

static int controller(struct ansible *a, const struct node *c)
{
        const struct node *repos = node_get(c, "repositories"), *runs = node_get(c, "run_ansible");
        int r = 0;

        if ((!repos || repos->n == 0) && (!runs || runs->n == 0)) {
                log_error("ansible.setup_controller: needs repositories or run_ansible");
                return -EINVAL;
        }
        for (size_t i = 0; repos && i < repos->n && r >= 0; i++) {
                const struct node *rp = repos->items[i];
                char *const cmd[] = { "git",
                                      "clone",
                                      "--",
                                      (char *)node_get_str(rp, "source"),
                                      (char *)node_get_str(rp, "path"),
                                      NULL };
                r = run_as(a, NULL, cmd, NULL);
        }
        for (size_t i = 0; runs && i < runs->n && r >= 0; i++) {
                const struct node *ra = runs->items[i];
                const char *dir = node_get_str(ra, "playbook_dir"),
                           *name = node_get_str(ra, "playbook_name");
                struct cm_argv cmd = { .n = 0 };

                if (!dir || !name) {
                        /* cloud-init stops here with a KeyError */
                        log_error("ansible.setup_controller.run_ansible.%zu: needs playbook_dir "
                                  "and playbook_name",
                                  i);
                        return -EINVAL;
                }
                cm_add(&cmd, "ansible-playbook");
                cm_add(&cmd, name);
                for (size_t j = 0; j + 1 < ra->n; j += 2) {
                        const char *k = ra->items[j]->str;
                        if (!streq(k, "playbook_dir") && !streq(k, "playbook_name"))
                                add_option(&cmd, k, ra->items[j + 1]);
                }
                r = cmd.failed ? -E2BIG : run_as(a, dir, cmd.v, NULL);
                cm_argv_done(&cmd);
        }
        return r;
}

static int run(const struct module_ctx *ctx)
{
        const struct node *cfg = node_get(ctx->cfg, "ansible");
        const char *method, *pkg, *conf;
        const struct node *pull, *g, *ctl;
        struct ansible a = { .t = { .chroot = ctx->root, .is_host = ctx->root_is_host },
                             .root_fd = ctx->root_fd };
        char *env_home = NULL, *env_cfg = NULL;
        size_t ne = 0;
        int r;

        if (!cfg || cfg->type != NODE_MAP || cfg->n == 0) {
                log_debug("Skipping module named ansible, no 'ansible' configuration found");
                return 0;
        }
        method = node_get_str(cfg, "install_method");
        pkg = node_get_str(cfg, "package_name");
        /* cloud-init requires both, whatever its schema's defaults say */
        if (!method || !*method || !pkg || !*pkg) {
                log_error("ansible: missing required key '%s'",
                          !method || !*method ? "install_method" : "package_name");
                return -EINVAL;
        }
        a.pip = streq(method, "pip");
        a.user = node_get_str(cfg, "run_user");
        if (!a.user) {
                /* cloud-init's HOME for commands it runs as root */
                env_home = strdup("HOME=/root");
                if (env_home)
                        a.env[ne++] = env_home;
        }
        conf = node_get_str(cfg, "ansible_config");
        if (conf && *conf && asprintf(&env_cfg, "ANSIBLE_CONFIG=%s", conf) >= 0)
                a.env[ne++] = env_cfg;
        a.env[ne] = NULL;

        r = install(&a, pkg);
        if (r < 0)
                log_warning_errno(r, "ansible: installing %s failed: %m", pkg);
        r = 0;
        if (!have_ansible(&a)) {
                log_error("ansible: command: ansible is not installed");
                free(env_home);
                free(env_cfg);
                return -ENOENT;
        }
        /* as in cloud-init, the first step that fails ends the module */
        g = node_get(cfg, "galaxy");
        if (g && g->type == NODE_MAP)
                r = galaxy(&a, g);
        pull = node_get(cfg, "pull");
        if (r >= 0 && pull && pull->type == NODE_MAP && pull->n)
                r = pull_one(&a, pull);
        for (size_t i = 0; r >= 0 && pull && pull->type == NODE_SEQ && i < pull->n; i++)
                r = pull_one(&a, pull->items[i]);
        ctl = node_get(cfg, "setup_controller");
        if (r >= 0 && ctl && ctl->type == NODE_MAP)
                r = controller(&a, ctl);
        free(env_home);
        free(env_cfg);
        return r < 0 ? -EPROTO : 0;
}

const struct module mod_ansible = {
        .name = "ansible",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_ansible = {
        .module = &mod_ansible,
        .stage = "final",
        .description = "Install ansible and run ansible-pull, ansible-galaxy and ansible-playbook",
        .timeout_sec = 7200,
};

EXTMOD_MAIN(ext_ansible)
