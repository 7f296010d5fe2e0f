/* SPDX-License-Identifier: Apache-2.0 */
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
#include "runner.h"
#include "network.h"
#include "config_schema.h"
#include "schema.h"
#include "stage.h"
#include "state.h"
#include "status.h"
#include "userdata.h"
#include "codec.h"
#include "json.h"
#include "scripts.h"
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
        (void)runner_load_modules(b->root_fd, b->syscfg); /* external modules' keys, if listed */
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

/* The first line of a cloud-config.txt that holds merged parts (JSON, which
 * is YAML) rather than the user's own single document. */
#define MERGED_MARK "#cloud-config\n# cloudboot: cloud-config parts merged\n"

/* vendor_data.enabled as the user's cloud-config says it, else system config. */
static bool vendor_enabled(const struct node *user, const struct node *syscfg)
{
        return syscfg_vendor_data_enabled(node_get_path(user, "vendor_data.enabled") ? user
                                                                                     : syscfg);
}

/* cfg_file of the instance as a mapping (NULL when empty or broken: what is
 * wrong was reported by the stage that processed the user-data). */
static struct node *load_part_config(struct boot *b, const char *file)
{
        _cleanup_free_ char *data = NULL;
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        struct node *n = NULL;
        struct yaml_error err;
        char path[512];
        size_t len = 0;

        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/%s", b->inst.iid, file);
        if (fs_read_file(b->root_fd, path, b->limits.user_data_max * 2, &data, &len) < 0 ||
            len == 0)
                return NULL;
        lim.max_bytes = b->limits.user_data_max * 2;
        /* the user's own document keeps its name in messages; merged parts are
         * named by this file */
        if (yaml_load(data, len,
                      streq(file, "cloud-config.txt") && b->inst.ud_name &&
                                      !startswith(data, MERGED_MARK)
                              ? b->inst.ud_name
                              : path,
                      &lim, &n, &err) < 0)
                return NULL;
        if (n->type != NODE_MAP)
                return node_free(n);
        return n;
}

/* b->cfg: system config, then vendor-data's cloud-config (unless disabled),
 * then the user's, each validated quietly (problems were reported when the
 * user-data was processed) and merged over what came before. user and vendor
 * are the configs to use; NULL ones are read from the instance's files. */
static int boot_merge_config(struct boot *b, struct node *user, struct node *vendor)
{
        _cleanup_node_ struct node *u = user, *v = vendor;
        struct schema_report quiet = { 0 };
        int r = 0;

        b->cfg = node_copy(b->syscfg);
        if (!b->cfg)
                return -ENOMEM;
        if (!b->have_inst)
                return 0;
        if (!u)
                u = load_part_config(b, "cloud-config.txt");
        if (!v && vendor_enabled(u, b->syscfg))
                v = load_part_config(b, "vendor-cloud-config.txt");
        if (v && vendor_enabled(u, b->syscfg)) {
                schema_validate_config(v, &quiet);
                r = node_merge(b->cfg, v);
        }
        if (u && r >= 0) {
                schema_validate_config(u, &quiet);
                r = node_merge(b->cfg, u);
        }
        return r;
}

static int boot_load_config(struct boot *b)
{
        return boot_merge_config(b, NULL, NULL);
}

int stage_merged_config(int root_fd, struct node **ret)
{
        struct boot b = { .root_fd = root_fd, .output_fd = -1 };
        int r = syscfg_load(root_fd, &b.syscfg);

        if (r >= 0) {
                syscfg_limits(b.syscfg, &b.limits);
                b.have_inst = state_restore(root_fd, &b.inst) >= 0;
                r = boot_merge_config(&b, NULL, NULL);
        }
        if (r >= 0)
                *ret = TAKE_PTR(b.cfg);
        node_free(b.cfg);
        node_free(b.syscfg);
        instance_done(&b.inst);
        return r;
}

static struct module_ctx module_ctx_of(const struct boot *b);

/* instance-data for jinja templates, read only when a template may be there. */
static struct node *jinja_vars(struct boot *b, const char *data, size_t len)
{
        _cleanup_free_ char *json = NULL;
        struct node *vars = NULL;
        struct yaml_error err;
        size_t jl = 0;

        if (!gzip_is(data, len) && !memmem(data, len, "jinja", 5) && !memmem(data, len, "JINJA", 5))
                return NULL;
        if (fs_read_file(b->root_fd, INSTANCE_DATA_SENSITIVE, DS_METADATA_MAX * 4, &json, &jl) <
                    0 ||
            yaml_load(json, jl, INSTANCE_DATA_SENSITIVE, NULL, &vars, &err) < 0)
                return NULL;
        return vars;
}

/* Process the instance's raw user-data (vendor: vendor-data) and store what
 * it comes to: the cloud-config (the user's own text when it is one plain
 * document, else the merged parts), user-data.txt.i, scripts and boothooks.
 * *ret_cfg gets the merged cloud-config. Boothooks run when run_hooks. */
static int consume(struct boot *b, bool vendor, bool fetch, bool report, bool run_hooks,
                   struct node **ret_cfg)
{
        _cleanup_free_ char *data = NULL;
        _cleanup_node_ struct node *vars = NULL;
        struct userdata u = { 0 };
        char path[512], raw[512];
        size_t len = 0;
        int r;

        (void)snprintf(raw, sizeof(raw), CLOUD_DIR "/instances/%s/%s", b->inst.iid,
                       vendor ? "vendor-data.txt" : "user-data.txt");
        r = fs_read_file(b->root_fd, raw, b->limits.user_data_max, &data, &len);
        if (r < 0 && r != -ENOENT)
                return log_warning_errno(r, "Cannot read %s: %m", raw);
        vars = jinja_vars(b, data ? data : "", len);
        struct ud_env env = {
                .root_fd = b->root_fd,
                .iid = b->inst.iid,
                .name = !vendor && b->inst.ud_name ? b->inst.ud_name : raw,
                .vars = vars,
                .max = b->limits.user_data_max,
                .fetch = fetch,
                .report = report,
                .vendor = vendor,
        };
        r = userdata_process(data ? data : "", len, &env, &u);
        if (data)
                explicit_bzero(data, len);
        if (r < 0)
                return r;
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/%s", b->inst.iid,
                       vendor ? "vendor-cloud-config.txt" : "cloud-config.txt");
        if (u.cfg_text)
                r = fs_write_atomic(b->root_fd, path, u.cfg_text, u.cfg_text_len, 0600, FS_NO_OWNER,
                                    (gid_t)-1);
        else {
                struct buf m = BUF_INIT(b->limits.user_data_max * 4);
                r = u.cfg ? buf_puts(&m, MERGED_MARK) : 0;
                if (r >= 0 && u.cfg)
                        r = json_write(&m, u.cfg, 2);
                if (r >= 0 && u.cfg)
                        r = buf_putc(&m, '\n');
                if (r >= 0)
                        r = fs_write_atomic(b->root_fd, path, m.data ? m.data : "", m.len, 0600,
                                            FS_NO_OWNER, (gid_t)-1);
                buf_free_secret(&m);
        }
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/%s", b->inst.iid,
                       vendor ? "vendor-data.txt.i" : "user-data.txt.i");
        if (r >= 0)
                r = fs_write_atomic(b->root_fd, path, u.processed.data, u.processed.len, 0600,
                                    FS_NO_OWNER, (gid_t)-1);
        for (size_t i = 0; r >= 0 && i < u.n_files; i++) {
                _cleanup_free_ char *dir = NULL;
                const char *base;
                r = fs_split_path(u.files[i].path, &dir, &base);
                if (r >= 0)
                        r = fs_mkdir_p(b->root_fd, dir, 0755);
                if (r >= 0)
                        r = fs_write_atomic(b->root_fd, u.files[i].path, u.files[i].data,
                                            u.files[i].len, u.files[i].mode, FS_NO_OWNER,
                                            (gid_t)-1);
        }
        if (r < 0) {
                userdata_done(&u);
                return log_error_errno(r, "Cannot store the processed %s: %m",
                                       vendor ? "vendor-data" : "user-data");
        }
        /* #cloud-boothook parts run now, every boot, with INSTANCE_ID set */
        for (size_t i = 0; run_hooks && i < u.n_files; i++) {
                if (!strstr(u.files[i].path, "/boothooks/"))
                        continue;
                struct module_ctx mctx = module_ctx_of(b);
                struct exec_opts o;
                char env_iid[600], *argv[] = { u.files[i].path, NULL },
                                   *sh_argv[] = { (char *)"/bin/sh", u.files[i].path, NULL };
                char *envv[] = { env_iid, NULL };
                int status = 0, k;
                (void)snprintf(env_iid, sizeof(env_iid), "INSTANCE_ID=%s", b->inst.iid_raw);
                exec_opts_target(&mctx, &o);
                o.env = envv;
                /* without #! the boothook is a shell script */
                k = exec_argv(&o, startswith(u.files[i].data, "#!") ? argv : sh_argv, &status);
                if (k < 0 || status != 0)
                        log_warning("Boothook %s failed (%s)", u.files[i].path,
                                    k < 0 ? strerror(-k) : "non-zero exit status");
                else
                        log_info("Ran boothook %s", u.files[i].path);
        }
        *ret_cfg = TAKE_PTR(u.cfg);
        userdata_done(&u);
        return 0;
}

/* The stage that consumes user-data processes it (and vendor-data), runs
 * its boothooks and builds b->cfg from them; report says whether problems
 * are reported here. */
static int consume_user_data(struct boot *b, bool fetch, bool report)
{
        struct node *user = NULL, *vendor = NULL;
        int r;

        r = consume(b, false, fetch, report, report, &user);
        if (r < 0)
                return r;
        if (vendor_enabled(user, b->syscfg)) {
                r = consume(b, true, fetch, report, report, &vendor);
                if (r < 0) {
                        node_free(user);
                        return r;
                }
        } else if (report)
                log_info("vendor-data is disabled (vendor_data: {enabled: false})");
        return boot_merge_config(b, user, vendor);
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
                        /* the network still needs its configuration: the fallback */
                        if (local)
                                network_configure(b.root_fd, b.syscfg, b.syscfg, NULL, NULL, true,
                                                  b.root_is_host);
                        r = finish(&b, local ? NULL : "no datasource found");
                        boot_done(&b);
                        return r;
                }
                r = found_datasource(&b, &plat, &res);
                if (r < 0) {
                        ds_result_done(&res);
                        r = finish(&b, "cannot record the instance");
                        boot_done(&b);
                        return r;
                }
        }

        /* User-data is consumed (reported, includes fetched, boothooks run) by
         * the stage that runs the init modules; init-local still reads it for
         * a net-mode instance, so that its hostname is set before the network. */
        {
                bool consumer = !local || streq_ptr(b.inst.dsmode, "local");
                r = consume_user_data(&b, !local, consumer);
        }
        if (r < 0) {
                ds_result_done(&res);
                r = finish(&b, "cannot load the cloud-config");
                boot_done(&b);
                return r;
        }
        /* The network configuration, before the network starts (init-local,
         * with the fallback); a datasource found by the network stage writes
         * its own for the boots to come. */
        if (local || res.ds)
                network_configure(b.root_fd, b.cfg, b.syscfg, &res, b.inst.iid, local,
                                  b.root_is_host && local);
        ds_result_done(&res);
        if (local) {
                struct module_ctx ctx = module_ctx_of(&b);
                runner_run_stage(&ctx, STAGE_LOCAL);
        }
        if (local && !streq_ptr(b.inst.dsmode, "local")) {
                /* Set the hostname before the network comes up, so that a DHCP
                 * client sends it (cloud-init does the same, LP: #1746455). */
                /* Only while set_hostname has not run for this instance: its
                 * fqdn may fall back to the current system hostname, and on a
                 * later boot that would undo a name the admin chose. */
                const struct module *m = module_find("set_hostname");
                if (m && runner_activated(m, b.cfg) &&
                    !state_sem_has(b.root_fd, b.inst.iid, m->name, m->freq)) {
                        struct module_ctx ctx = module_ctx_of(&b);
                        log_set_module(m->name);
                        (void)m->run(&ctx);
                        log_set_module(NULL);
                }
        } else {
                struct module_ctx ctx = module_ctx_of(&b);
                runner_run_stage(&ctx, STAGE_INIT);
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
        return boot_load_config(b);
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
        {
                struct module_ctx ctx = module_ctx_of(&b);
                runner_run_stage(&ctx, kind);
        }
        r = finish(&b, NULL);
        if (kind == STAGE_FINAL && status_write_result(b.root_fd, b.inst.description) < 0)
                log_error("Cannot write %s", RESULT_JSON);
        boot_done(&b);
        return r;
}

int stage_single(const struct boot_opts *o, const char *name, const char *freq_s)
{
        const struct module *m;
        struct boot b;
        enum freq freq;
        int r;

        /* cloud-init names modules cc_ssh or ssh; both work */
        if (startswith(name, "cc_"))
                name += 3;
        if (!module_name_valid(name)) {
                log_error("'%.64s' is not a module name", name);
                return 1;
        }
        r = boot_open(o, "single", &b);
        m = r >= 0 ? runner_find(b.root_fd, name) : NULL;
        if (r >= 0 && !m) {
                log_error("No module %s: neither built in nor installed as an external module",
                          name);
                r = -ENOENT;
        }
        freq = m ? m->freq : FREQ_INSTANCE;
        if (r >= 0 && freq_s && freq_parse(freq_s, &freq) < 0) {
                log_error("Unknown frequency '%.32s': use once-per-instance, always or once",
                          freq_s);
                r = -EINVAL;
        }
        if (r >= 0)
                r = restore_or_fail(&b);
        if (r < 0) {
                boot_done(&b);
                return 1;
        }
        {
                struct module_ctx ctx = module_ctx_of(&b);
                r = runner_run_module(&ctx, m, freq, freq_s != NULL && freq == FREQ_ALWAYS);
        }
        boot_done(&b);
        return r < 0 ? 1 : 0;
}
