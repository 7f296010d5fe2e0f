/* Stage orchestration (see stage.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "cmdline.h"
#include "syscfg.h"
#include "datasource.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "stage.h"
#include "state.h"
#include "status.h"
#include "userdata.h"
#include "yaml.h"

struct boot {
        int root_fd;
        int output_fd; /* /var/log/cloud-init-output.log, for commands */
        const char *root;
        bool root_is_host;
        bool probe_devices;
        const char *stage;
        struct node *syscfg;
        struct node *cfg; /* syscfg with the user's cloud-config merged over it */
        struct limits limits;
        struct instance inst;
        bool have_inst;
};

static void boot_done(struct boot *b)
{
        node_free(b->syscfg);
        node_free(b->cfg);
        instance_done(&b->inst);
        exec_set_output(-1);
        if (b->output_fd >= 0)
                (void)close(b->output_fd);
        if (b->root_fd >= 0)
                (void)close(b->root_fd);
        log_close();
        log_records_reset();
}

static bool is_host_root(const char *root)
{
        _cleanup_free_ char *real = realpath(root, NULL);
        return real && streq(real, "/");
}

/* Start of every stage: open the root and its log, note the start in the
 * output log as cloud-init does, and read system config. */
static int boot_open(const struct boot_opts *o, const char *stage, struct boot *b)
{
        int r;

        *b = (struct boot){ .root_fd = -1, .output_fd = -1, .root = o->root, .stage = stage };
        log_set_stage(stage);
        b->root_fd = fs_open_root(o->root);
        if (b->root_fd < 0)
                return log_error_errno(b->root_fd, "Cannot open target root %s: %m", o->root);
        b->root_is_host = is_host_root(o->root);
        /* Block devices are the host's, not the target's: under --root they
         * are scanned only when asked, so a test tree never picks up the
         * seed of the machine it runs on. */
        b->probe_devices = b->root_is_host || o->probe_devices;
        r = fs_mkdir_p(b->root_fd, "/var/log", 0755);
        if (r >= 0)
                r = log_open_file(b->root_fd);
        if (r < 0)
                log_warning_errno(r, "Cannot open /var/log/cloud-init.log: %m");
        /* Commands' output goes here, as cloud-init's does; 0640 as its umask 037 gives. */
        b->output_fd = fs_open_in_root(b->root_fd, "/var/log/cloud-init-output.log",
                                       O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0640);
        if (b->output_fd >= 0) {
                time_t now = time(NULL);
                char stamp[64];

                (void)strftime(stamp, sizeof(stamp), "%a, %d %b %Y %H:%M:%S +0000", gmtime(&now));
                (void)dprintf(b->output_fd,
                              "cloudboot v. %s running '%s' at %s. Up %.2f seconds.\n",
                              PACKAGE_VERSION, stage, stamp, state_uptime());
                exec_set_output(b->output_fd);
        }
        log_info("cloudboot %s running '%s'%s", PACKAGE_VERSION, stage,
                 b->root_is_host ? "" : " on a target root");
        r = syscfg_load(b->root_fd, &b->syscfg);
        if (r < 0)
                return log_error_errno(r, "Cannot load system config: %m");
        syscfg_limits(b->syscfg, &b->limits);
        return 0;
}

static bool boot_disabled(struct boot *b)
{
        _cleanup_free_ char *cmdline = NULL;

        if (fs_exists(b->root_fd, "/etc/cloud/cloud-init.disabled")) {
                log_info("Disabled by /etc/cloud/cloud-init.disabled");
                return true;
        }
        if (fs_read_line(b->root_fd, "/proc/cmdline", &cmdline) >= 0 &&
            cmdline_has_word(cmdline, "cloud-init=disabled")) {
                log_info("Disabled by cloud-init=disabled on the kernel command line");
                return true;
        }
        return false;
}

/* boot_open(), then the disable switches: 1 to go on, 0 when disabled, < 0
 * when the stage cannot start. On 0 and < 0, b is already released. */
static int boot_start(const struct boot_opts *o, const char *stage, struct boot *b)
{
        int r = boot_open(o, stage, b);

        if (r >= 0 && boot_disabled(b))
                r = 0;
        else if (r >= 0) {
                /* the stage's event, for `analyze`; its finish is in finish() */
                log_debug("start: %s: cloudboot %s running %s", stage, PACKAGE_VERSION, stage);
                (void)sd_notifyf(false, "STATUS=%s: starting", stage);
                return 1;
        }
        boot_done(b);
        return r;
}

static void report_to_log(void *userdata, enum schema_severity sev, const char *pos,
                          const char *msg)
{
        bool *quiet = userdata;
        if (*quiet || sev == SCHEMA_NOTE)
                return;
        log_warning("%s: %s", pos, msg);
}

/* Read the instance's cloud-config, validate it (reporting only in the stage
 * that consumes user-data, so each problem is reported once a boot), and
 * merge it over system config. A broken document leaves system config alone. */
static int boot_load_config(struct boot *b, bool report)
{
        _cleanup_node_ struct node *user = NULL;
        _cleanup_free_ char *data = NULL;
        struct yaml_error err;
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        const char *name =
                b->inst.ud_name ? b->inst.ud_name : CLOUD_DIR "/instance/cloud-config.txt";
        char path[512];
        size_t len = 0;
        int r;

        b->cfg = node_copy(b->syscfg);
        if (!b->cfg)
                return -ENOMEM;
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/cloud-config.txt", b->inst.iid);
        r = fs_read_file(b->root_fd, path, b->limits.user_data_max, &data, &len);
        if (r == -ENOENT || (r >= 0 && len == 0))
                return 0;
        if (r < 0)
                return log_warning_errno(r, "Cannot read %s: %m", path);
        lim.max_bytes = b->limits.user_data_max;
        r = yaml_load(data, len, name, &lim, &user, &err);
        if (r < 0) {
                if (report)
                        log_warning("%s:%u:%u: %s; the cloud-config is not applied", name, err.line,
                                    err.col, err.msg);
                return 0;
        }
        {
                bool quiet = !report;
                struct schema_report rep = { .emit = report_to_log, .userdata = &quiet };
                schema_validate_config(user, &rep);
        }
        if (user->type != NODE_MAP)
                return 0;
        return node_merge(b->cfg, user);
}

/* Raw user-data → instance/cloud-config.txt (0600) and, for a "#!" script,
 * instance/scripts/part-001 (0700, run by scripts_user): done by the stage
 * that finds the datasource, every boot, so that later stages read one
 * small file. */
static int store_user_data(struct boot *b, const struct ds_result *res)
{
        struct userdata u = { 0 };
        char path[512];
        int r;

        r = userdata_process(res->ud ? res->ud : "", res->ud_len,
                             res->ud_name ? res->ud_name : "user-data", b->limits.user_data_max,
                             &u);
        if (r == -ENOMEM)
                return r;
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/cloud-config.txt", b->inst.iid);
        r = fs_write_atomic(b->root_fd, path, u.cloud_config ? u.cloud_config : "",
                            u.cloud_config_len, 0600, FS_NO_OWNER, (gid_t)-1);
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/scripts/part-001", b->inst.iid);
        if (r >= 0 && u.script)
                r = fs_write_atomic(b->root_fd, path, u.script, u.script_len, 0700, FS_NO_OWNER,
                                    (gid_t)-1);
        else if (r >= 0)
                (void)fs_unlink(b->root_fd, path);
        userdata_done(&u);
        return r;
}

static struct module_ctx module_ctx_of(const struct boot *b)
{
        return (struct module_ctx){
                .root_fd = b->root_fd,
                .root = b->root,
                .root_is_host = b->root_is_host,
                .iid = b->inst.iid,
                .iid_raw = b->inst.iid_raw,
                .datasource = b->inst.description,
                .stage = b->stage,
                .cfg = b->cfg,
                .md = b->inst.md,
        };
}

static int run_module(struct boot *b, const struct module *m, enum freq freq, bool force)
{
        struct module_ctx ctx = module_ctx_of(b);
        int r;

        if (!force && state_sem_has(b->root_fd, b->inst.iid, m->name, freq)) {
                log_debug("Module %s already ran (%s)", m->name, freq_name(freq));
                return 0;
        }
        log_set_module(m->name);
        /* `systemctl status` shows which module runs (NotifyAccess=main) */
        (void)sd_notifyf(false, "STATUS=%s: running module %s", b->stage, m->name);
        log_debug("start: %s/config-%s: running config-%s with frequency %s", b->stage, m->name,
                  m->name, freq_name(freq));
        r = m->run(&ctx);
        log_debug("finish: %s/config-%s: %s", b->stage, m->name, r < 0 ? "FAIL" : "SUCCESS");
        log_set_module(NULL);
        /* The semaphore comes after the run: a crash mid-module redoes it next
         * boot. A module that failed is not retried, as in cloud-init. */
        if (state_sem_set(b->root_fd, b->inst.iid, m->name, freq) < 0)
                log_warning("Cannot record that module %s ran", m->name);
        return r;
}

static bool activated(const struct module *m, const struct node *cfg)
{
        if (!m->activate_keys)
                return true;
        for (const char *const *k = m->activate_keys; *k; k++)
                if (node_get_key(cfg, *k))
                        return true;
        return false;
}

static void run_stage_modules(struct boot *b, enum stage_kind kind)
{
        for (const char *const *name = module_stage_list(kind); *name; name++) {
                const struct module *m = module_find(*name);

                if (!m) {
                        char cc[96], pos[512];
                        const char *key;
                        (void)snprintf(cc, sizeof(cc), "cc_%s", *name);
                        key = schema_module_key_in(cc, b->cfg);
                        if (key) {
                                schema_pos(node_get_key(b->cfg, key), pos, sizeof(pos));
                                log_warning("%s: '%s' needs module %s, which this cloudboot does "
                                            "not support yet; not applied",
                                            pos, key, *name);
                        }
                        continue;
                }
                if (!activated(m, b->cfg)) {
                        log_debug("Module %s: none of its keys are set; skipped", m->name);
                        continue;
                }
                (void)run_module(b, m, m->freq, false);
        }
}

/* The end of a stage: status.json, then the exit code. */
static int finish(struct boot *b, const char *fatal)
{
        log_debug("finish: %s: %s%s%s", b->stage, fatal ? "FAIL" : "SUCCESS", fatal ? ": " : "",
                  fatal ? fatal : "");
        (void)sd_notifyf(false, "STATUS=%s: %s", b->stage, fatal ? fatal : "done");
        int r = status_stage_end(b->root_fd, b->stage, b->have_inst ? b->inst.description : NULL,
                                 fatal);
        if (r < 0)
                log_error_errno(r, "Cannot write %s: %m", STATUS_JSON);
        return fatal ? 1 : 0;
}

static int found_datasource(struct boot *b, const struct platform *plat, struct ds_result *res)
{
        _cleanup_free_ char *desc = NULL;
        bool is_new = false;
        int r;

        r = ds_describe(res, &desc);
        if (r < 0)
                return r;
        r = state_store(b->root_fd, res, &is_new);
        if (r < 0)
                return log_error_errno(r, "Cannot record instance %s: %m", res->iid);
        r = state_write_instance_data(b->root_fd, res, plat, desc);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", INSTANCE_DATA);
        r = instance_from_result(res, desc, &b->inst);
        if (r < 0)
                return r;
        b->have_inst = true;
        log_set_instance(b->inst.iid_raw);
        log_info("Found %s; instance %s (%s)", desc, res->iid, is_new ? "new" : "known");
        r = store_user_data(b, res);
        if (r < 0)
                return log_error_errno(r, "Cannot store the user-data: %m");
        return 0;
}

int stage_init(const struct boot_opts *o, bool local)
{
        struct boot b;
        struct ds_result res = { 0 };
        int r;

        r = boot_start(o, local ? "init-local" : "init", &b);
        if (r <= 0)
                return r < 0 ? 1 : 0;
        if (local)
                (void)status_reset(b.root_fd);
        (void)status_stage_begin(b.root_fd, b.stage);

        if (!local && state_restore(b.root_fd, &b.inst) >= 0) {
                /* init-local found the datasource this boot. */
                b.have_inst = true;
                log_set_instance(b.inst.iid_raw);
                if (streq_ptr(b.inst.dsmode, "local")) {
                        log_info("%s is in local mode: init modules ran in init-local",
                                 b.inst.description);
                        r = finish(&b, NULL);
                        boot_done(&b);
                        return r;
                }
        } else {
                struct platform plat;
                platform_detect(b.root_fd, &plat);
                struct ds_ctx dctx = { .root_fd = b.root_fd,
                                       .syscfg = b.syscfg,
                                       .local_stage = local,
                                       .probe_devices = b.probe_devices,
                                       .user_data_max = b.limits.user_data_max,
                                       .plat = &plat };
                if (!local)
                        (void)fs_unlink(b.root_fd, INSTANCE_DATA_SENSITIVE);
                r = ds_find(&dctx, &res);
                if (r < 0) {
                        log_info("No %sdatasource found", local ? "local " : "");
                        r = finish(&b, local ? NULL : "no datasource found");
                        boot_done(&b);
                        return r;
                }
                r = found_datasource(&b, &plat, &res);
                ds_result_done(&res);
                if (r < 0) {
                        r = finish(&b, "cannot record the instance");
                        boot_done(&b);
                        return r;
                }
        }

        r = boot_load_config(&b, local ? streq_ptr(b.inst.dsmode, "local") : true);
        if (r < 0) {
                r = finish(&b, "cannot load the cloud-config");
                boot_done(&b);
                return r;
        }
        if (local)
                run_stage_modules(&b, STAGE_LOCAL);
        if (local && !streq_ptr(b.inst.dsmode, "local")) {
                /* Set the hostname before the network comes up, so that a DHCP
                 * client sends it (cloud-init does the same, LP: #1746455). */
                /* Only while set_hostname has not run for this instance: its
                 * fqdn may fall back to the current system hostname, and on a
                 * later boot that would undo a name the admin chose. */
                const struct module *m = module_find("set_hostname");
                if (m && activated(m, b.cfg) &&
                    !state_sem_has(b.root_fd, b.inst.iid, m->name, m->freq)) {
                        struct module_ctx ctx = module_ctx_of(&b);
                        log_set_module(m->name);
                        (void)m->run(&ctx);
                        log_set_module(NULL);
                }
        } else {
                run_stage_modules(&b, STAGE_INIT);
        }
        r = finish(&b, NULL);
        boot_done(&b);
        return r;
}

static int restore_or_fail(struct boot *b)
{
        int r = state_restore(b->root_fd, &b->inst);
        if (r < 0) {
                log_error("No instance recorded this boot (%s is missing): run 'cloudboot init' "
                          "first",
                          INSTANCE_DATA_SENSITIVE);
                return r;
        }
        b->have_inst = true;
        log_set_instance(b->inst.iid_raw);
        return boot_load_config(b, false);
}

int stage_modules(const struct boot_opts *o, enum stage_kind kind)
{
        struct boot b;
        int r;

        r = boot_start(o, kind == STAGE_FINAL ? "modules-final" : "modules-config", &b);
        if (r <= 0)
                return r < 0 ? 1 : 0;
        (void)status_stage_begin(b.root_fd, b.stage);
        r = restore_or_fail(&b);
        if (r < 0) {
                r = finish(&b, "no datasource found this boot");
                if (kind == STAGE_FINAL)
                        (void)status_write_result(b.root_fd, NULL);
                boot_done(&b);
                return r;
        }
        run_stage_modules(&b, kind);
        r = finish(&b, NULL);
        if (kind == STAGE_FINAL && status_write_result(b.root_fd, b.inst.description) < 0)
                log_error("Cannot write %s", RESULT_JSON);
        boot_done(&b);
        return r;
}

int stage_single(const struct boot_opts *o, const char *name, const char *freq_s)
{
        const struct module *m = module_find(name);
        struct boot b;
        enum freq freq;
        int r;

        if (!m) {
                log_error("Module %s is not supported by this cloudboot", name);
                return 1;
        }
        freq = m->freq;
        if (freq_s && freq_parse(freq_s, &freq) < 0) {
                log_error("Unknown frequency '%s': use instance, always or once", freq_s);
                return 1;
        }
        r = boot_open(o, "single", &b);
        if (r >= 0)
                r = restore_or_fail(&b);
        if (r < 0) {
                boot_done(&b);
                return 1;
        }
        r = run_module(&b, m, freq, freq_s != NULL && freq == FREQ_ALWAYS);
        boot_done(&b);
        return r < 0 ? 1 : 0;
}
