/* SPDX-License-Identifier: Apache-2.0 */
/* The boot as one pipeline, read top to bottom (docs/pipeline.md):
 *   detect   the datasource (ds_find), once a boot, by init-local or init;
 *   fetch    what it gives, recorded as cloud-init records it (state_store);
 *   decode   user-data and vendor-data into their parts (consume);
 *   merge    the cloud-config parts, and
 *   validate each whole: the instance model (model_build), stored keyed by
 *            its inputs, and loaded by later stages and boots (boot_model);
 *   plan     system config, vendor-data's and the user's config merged;
 *   run      the stage's modules (runner_run_stage);
 *   record   status.json (finish). */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "sdproto.h"
#include "cmdline.h"
#include "syscfg.h"
#include "datasource.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "md_memo.h"
#include "model.h"
#include "module.h"
#include "runner.h"
#include "network.h"
#include "passwd.h"
#include "config_schema.h"
#include "schema.h"
#include "stage.h"
#include "state.h"
#include "status.h"
#include "timefmt.h"
#include "userdata.h"
#include "yaml_dump.h"
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
        uint64_t cfg_key; /* digest of what cfg was merged from (0: not known) */
        struct limits limits;
        uint64_t syscfg_digest; /* of the system config files read */
        struct instance inst;
        bool have_inst;
        struct model model; /* what user-data and vendor-data came to */
        bool have_model;
        bool new_instance; /* the datasource found gave an instance-id new to this machine */
        bool model_fetched; /* this stage built the model again to fetch its includes */
        char *cmdline; /* /proc/cmdline, read once (NULL: unreadable) */
};

/* A stage's trees and model, kept from boot_done() to the exit that follows
 * it: freed node by node they were 4-5% of a provisioned stage's
 * instructions, for memory the exit gives back whole. Held here, where a
 * leak checker sees them reachable; a second boot in the same process
 * frees the first one's. */
static struct {
        struct node *syscfg, *cfg;
        struct model model;
} kept;

static void boot_done(struct boot *b)
{
        node_free(kept.syscfg);
        node_free(kept.cfg);
        model_done(&kept.model);
        kept.syscfg = TAKE_PTR(b->syscfg);
        kept.cfg = TAKE_PTR(b->cfg);
        kept.model = b->model;
        b->model = (struct model){ 0 };
        instance_done(&b->inst);
        md_memo_disable();
        free(b->cmdline);
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

/* syslog_fix_perms, as cloud-init applies it to its log at the start of a
 * stage: the first "user:group" whose names both exist in the target (its
 * built-in list, which Debian keeps: syslog:adm, root:adm, root:wheel,
 * root:root); a warning when none could be applied. The output log gets the
 * same owner. */
static void fix_log_perms(const struct boot *b)
{
        static const char *const builtin[] = { "syslog:adm", "root:adm", "root:wheel",
                                               "root:root" };
        const struct node *perms = node_get(b->syscfg, "syslog_fix_perms");
        size_t n = !perms ? ELEMENTSOF(builtin) : perms->type == NODE_SEQ ? perms->n : 1;
        /* the list's names looked up in one read of each database */
        _cleanup_(passwd_db_done) struct passwd_db db = { .root_fd = b->root_fd };
        int r = 0;

        if (perms && perms->type == NODE_NULL)
                return;
        for (size_t i = 0; i < n; i++) {
                const struct node *one = perms && perms->type == NODE_SEQ ? perms->items[i] : perms;
                const char *spec = perms ? one->str : builtin[i];
                uid_t uid;
                gid_t gid;

                if (perms && one->type != NODE_STR) {
                        r = -EINVAL;
                        continue;
                }
                r = passwd_db_owner(&db, spec, &uid, &gid);
                if (r >= 0)
                        r = log_file_chown(b->output_fd, uid, gid);
                if (r >= 0)
                        return;
        }
        if (n > 0)
                log_warning_errno(r, "%s:%u:%u: syslog_fix_perms: no owner in the list could be "
                                     "given to /var/log/cloud-init.log: %m",
                                  perms && perms->file ? perms->file : "<built-in>",
                                  perms ? perms->line : 0, perms ? perms->col : 0);
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
                char stamp[TIME_TEXT_MAX], line[256];
                int n;

                time_rfc2822(time(NULL), stamp);
                /* one write (dprintf would set up a stream: an fstat, an lseek) */
                n = snprintf(line, sizeof(line), "cloudboot v. %s running '%s' at %s. Up %.2f seconds.\n",
                             PACKAGE_VERSION, stage, stamp, state_uptime());
                if (n > 0 && (size_t)n < sizeof(line))
                        (void)!write(b->output_fd, line, (size_t)n);
                exec_set_output(b->output_fd);
        }
        log_info("cloudboot %s running '%s'%s", PACKAGE_VERSION, stage,
                 b->root_is_host ? "" : " on a target root");
        r = syscfg_load_digest(b->root_fd, &b->syscfg, &b->syscfg_digest,
                               streq(stage, "init-local"));
        if (r < 0)
                return log_error_errno(r, "Cannot load system config: %m");
        syscfg_limits(b->syscfg, &b->limits);
        md_memo_enable(b->root_fd);
        fix_log_perms(b);
        /* external modules' keys, if listed: init-local's runner does not
         * look (the lists are the later stages'), the others' do, and
         * model_build() looks before user-data is validated */
        if (streq(stage, "init-local"))
                (void)runner_load_modules(b->root_fd, b->syscfg);
        return 0;
}

static bool boot_disabled(struct boot *b)
{
        if (fs_exists(b->root_fd, "/etc/cloud/cloud-init.disabled")) {
                log_info("Disabled by /etc/cloud/cloud-init.disabled");
                return true;
        }
        if (fs_read_line(b->root_fd, "/proc/cmdline", &b->cmdline) >= 0 &&
            cmdline_has_word(b->cmdline, "cloud-init=disabled")) {
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
                sd_proto_status("%s: starting", stage);
                return 1;
        }
        boot_done(b);
        return r;
}

/* ---- detect and fetch: the datasource found is recorded ---- */

/* cloud-init's /run/cloud-init/cloud-id-<id> holding the cloud-id and the
 * cloud-id link to it. */
static const char *cloud_id_of(const struct ds_result *res)
{
        return res->cloud_name ? res->cloud_name : res->platform;
}

/* Defined below, with the model. */
static uint64_t model_key_of(const struct boot *b, const char *ud, size_t ud_len, const char *vd,
                             size_t vd_len);
static void instance_path(const struct boot *b, const char *name, char *buf, size_t size);
static void model_path(const struct boot *b, char *buf, size_t size);

/* The datasource's own cloud-config (res->cfg) for the stages after this
 * one: written root-only, or removed when this datasource gives none. */
static int ds_config_store(int root_fd, const struct node *cfg)
{
        struct buf t = BUF_INIT(DS_METADATA_MAX);
        int r;

        if (!cfg) {
                r = fs_unlink(root_fd, DS_CONFIG_RUN);
                return r == -ENOENT ? 0 : r;
        }
        r = json_write(&t, cfg, /* indent= */ 0);
        if (r >= 0)
                r = fs_write_buf(root_fd, DS_CONFIG_RUN, &t, 0600, FS_NO_OWNER, (gid_t)-1);
        buf_free_secret(&t); /* a password */
        return r;
}

/* What ds_config_store() left; NULL (no error) when there is none. */
static int ds_config_load(int root_fd, struct node **ret)
{
        struct yaml_error err;
        char *json = NULL;
        size_t len = 0;
        int r;

        *ret = NULL;
        r = fs_read_file(root_fd, DS_CONFIG_RUN, DS_METADATA_MAX, &json, &len);
        if (r == -ENOENT)
                return 0;
        if (r == -EACCES) /* not root (cloudboot query): root's secret */
                return log_debug_errno(r, "Cannot read %s: %m", DS_CONFIG_RUN);
        if (r < 0)
                return log_warning_errno(r, "Cannot read %s: %m", DS_CONFIG_RUN);
        r = json_load(json, len, DS_CONFIG_RUN, ret, &err);
        free_secret(json, len);
        if (r >= 0 && (*ret)->type != NODE_MAP)
                r = -EBADMSG;
        if (r < 0) {
                *ret = ds_node_free_secret(*ret);
                return log_warning_errno(r, "%s is not a JSON object: ignored", DS_CONFIG_RUN);
        }
        return 0;
}

static int found_datasource(struct boot *b, const struct platform *plat, struct ds_result *res,
                            bool fetch)
{
        _cleanup_free_ char *desc = NULL;
        char path[640];
        bool is_new = false;
        int r;

        r = ds_describe(res, &desc);
        if (r < 0)
                return r;
        r = instance_from_result(res, desc, &b->inst);
        if (r < 0)
                return r;
        b->have_inst = true;
        log_set_instance(b->inst.iid_raw);
        /* A model stored for exactly these inputs serves: user-data and
         * vendor-data are then neither processed nor rewritten. One that waits
         * for includes does not serve the stage that can fetch them. */
        model_path(b, path, sizeof(path));
        r = model_load(b->root_fd, path,
                       model_key_of(b, res->ud, res->ud_len, res->vd, res->vd_len), b->inst.iid,
                       &b->model);
        if (r >= 0 && (b->model.complete || !fetch)) {
                b->have_model = true;
                log_debug("model: %s serves (inputs unchanged)", path);
        } else if (r >= 0)
                model_done(&b->model);
        r = state_store_instance(b->root_fd, res, !b->have_model, &is_new);
        if (r < 0)
                return log_error_errno(r, "Cannot record instance %s: %m", res->iid);
        instance_path(b, INSTANCE_DATA_CACHE, path, sizeof(path));
        r = state_write_instance_data(b->root_fd, res, plat, desc, b->syscfg, b->syscfg_digest,
                                      path);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", INSTANCE_DATA);
        r = ds_config_store(b->root_fd, res->cfg);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", DS_CONFIG_RUN);
        r = state_write_cloud_id(b->root_fd, cloud_id_of(res));
        if (r < 0)
                log_warning_errno(r, "Cannot write %s/cloud-id: %m", RUN_DIR);
        log_info("Found %s; instance %s (%s)", desc, res->iid, is_new ? "new" : "known");
        b->new_instance = is_new;
        return 0;
}

/* ---- decode: user-data (or vendor-data) to its parts ---- */

/* vendor_data.enabled as the user's cloud-config says it, else system config. */
static bool vendor_enabled(const struct node *user, const struct node *syscfg)
{
        return syscfg_vendor_data_enabled(node_get_path(user, "vendor_data.enabled") ? user
                                                                                     : syscfg);
}


/* instance-data for jinja templates: read when the first template is met. */
static struct node *jinja_vars(void *userdata)
{
        struct boot *b = userdata;
        _cleanup_free_ char *json = NULL;
        struct node *vars = NULL;
        struct yaml_error err;
        size_t jl = 0;

        log_debug("Reading %s for a jinja template", INSTANCE_DATA_SENSITIVE);
        if (fs_read_file(b->root_fd, INSTANCE_DATA_SENSITIVE, DS_METADATA_MAX * 4, &json, &jl) <
                    0 ||
            json_load(json, jl, INSTANCE_DATA_SENSITIVE, &vars, &err) < 0)
                return NULL;
        return vars;
}

static int write_instance_file(struct boot *b, const char *name, const char *data, size_t len)
{
        char path[512];

        instance_path(b, name, path, sizeof(path));
        return fs_write_atomic(b->root_fd, path, data, len, 0600, FS_NO_OWNER, (gid_t)-1);
}

/* cloud-config.txt as cloud-init's cloud-config handler writes it: the parts
 * it merged and those it ignored named, then the merged config dumped as
 * PyYAML dumps it; empty when there was no cloud-config part. */
static int write_cloud_config(struct boot *b, const char *name, const struct userdata *u)
{
        struct buf t = BUF_INIT(b->limits.user_data_max * 4 + 256 * 1024);
        _cleanup_node_ struct node *empty = NULL;
        int r = 0;

        if (u->cfg_seen) {
                (void)buf_puts(&t, "#cloud-config\n\n");
                if (u->cfg_parts > 0)
                        (void)buf_printf(&t, "# from %u files\n%s\n", u->cfg_parts,
                                         u->cfg_names.data ? u->cfg_names.data : "");
                if (u->cfg_errors.len > 0)
                        (void)buf_puts(&t, u->cfg_errors.data);
                if (!u->cfg && !(empty = node_new(NODE_MAP)))
                        r = -ENOMEM;
                if (r >= 0)
                        r = yaml_dump(u->cfg ? u->cfg : empty, &t);
                if (r == -EINVAL) {
                        /* text libyaml will not write (not UTF-8): the file
                         * says so rather than hold half a dump */
                        log_warning("%s: the merged cloud-config cannot be written as YAML",
                                    name);
                        r = 0;
                }
                if (r >= 0)
                        r = buf_error(&t);
        }
        if (r >= 0)
                r = write_instance_file(b, name, t.data ? t.data : "", t.len);
        buf_free_secret(&t);
        return r;
}

/* vendor-data2.txt.i: cloud-init processes the datasource's second
 * vendor-data too; no datasource here has one, so it is the empty one. */
static int write_vendor2(struct boot *b, const struct ud_env *env)
{
        struct userdata u = { 0 };
        int r;

        r = userdata_process("", 0, env, &u);
        if (r >= 0)
                r = buf_error(&u.processed);
        if (r >= 0)
                r = write_instance_file(b, "vendor-data2.txt.i", u.processed.data,
                                        u.processed.len);
        userdata_done(&u);
        return r;
}

/* vendor_data disabled: cloud-init still stores what the vendor-data is,
 * processed (vendor-data.txt.i, vendor-data2.txt.i), and uses none of it. */
static int store_vendor_processed(struct boot *b, const char *vd, size_t vd_len)
{
        char name[600];
        struct ud_env env = {
                .root_fd = b->root_fd,
                .iid = b->inst.iid,
                .name = name,
                .max = b->limits.user_data_max,
                .vendor = true,
        };
        struct userdata u = { 0 };
        int r;

        (void)snprintf(name, sizeof(name), CLOUD_DIR "/instances/%s/vendor-data.txt", b->inst.iid);
        r = userdata_process(vd ? vd : "", vd ? vd_len : 0, &env, &u);
        if (r >= 0)
                r = buf_error(&u.processed);
        if (r >= 0)
                r = write_instance_file(b, "vendor-data.txt.i", u.processed.data,
                                        u.processed.len);
        userdata_done(&u);
        if (r >= 0)
                r = write_vendor2(b, &env);
        return r;
}

/* Process raw user-data (vendor: vendor-data), once: every part decoded and
 * taken for what it is, cloud-config parts validated and merged into
 * *ret_cfg, and what cloud-init keeps of it written (cloud-config.txt, the
 * .txt.i file, scripts and boothooks; the boothooks listed in m). */
static int consume(struct boot *b, bool vendor, const char *data, size_t len, bool fetch,
                   struct model *m, struct node **ret_cfg, bool *ret_merged)
{
        struct userdata u = { 0 };
        const char *raw = vendor ? "vendor-data.txt" : "user-data.txt";
        struct ud_env env = {
                .root_fd = b->root_fd,
                .iid = b->inst.iid,
                .load_vars = jinja_vars,
                .vars_userdata = b,
                .max = b->limits.user_data_max,
                .fetch = fetch,
                .report = true,
                .vendor = vendor,
        };
        char name[600];
        int r;

        if (!vendor && b->inst.ud_name)
                env.name = b->inst.ud_name;
        else {
                instance_path(b, raw, name, sizeof(name));
                env.name = name;
        }
        r = userdata_process(data ? data : "", data ? len : 0, &env, &u);
        if (r < 0)
                return r;
        if (u.deferred_includes)
                m->complete = false;
        /* cloud-init runs no part handler on absent vendor-data: no file then */
        if (vendor && (!data || len == 0))
                r = 0;
        else
                r = write_cloud_config(b, vendor ? "vendor-cloud-config.txt" : "cloud-config.txt",
                                       &u);
        if (r >= 0)
                r = buf_error(&u.processed);
        if (r >= 0)
                r = write_instance_file(b, vendor ? "vendor-data.txt.i" : "user-data.txt.i",
                                        u.processed.data, u.processed.len);
        if (r >= 0 && vendor)
                r = write_vendor2(b, &env);
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
                if (r >= 0 && strstr(u.files[i].path, "/boothooks/"))
                        r = model_add_hook(m, u.files[i].path, startswith(u.files[i].data, "#!"));
        }
        if (r < 0) {
                userdata_done(&u);
                return log_error_errno(r, "Cannot store the processed %s: %m",
                                       vendor ? "vendor-data" : "user-data");
        }
        *ret_cfg = TAKE_PTR(u.cfg);
        *ret_merged = u.cfg_parts > 1;
        userdata_done(&u);
        return 0;
}

/* ---- merge and validate: the instance model ---- */

/* What the model is keyed by: every input that processing reads. */
static uint64_t model_key_of(const struct boot *b, const char *ud, size_t ud_len, const char *vd,
                             size_t vd_len)
{
        struct buf md = BUF_INIT(DS_METADATA_MAX * 4);
        uint64_t k = MODEL_KEY_INIT;
        const char *name = b->inst.ud_name ? b->inst.ud_name : "";

        k = model_key_add(k, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
        k = model_key_add(k, b->inst.iid_raw, strlen(b->inst.iid_raw));
        k = model_key_add(k, name, strlen(name));
        k = model_key_add(k, ud, ud ? ud_len : 0);
        k = model_key_add(k, vd, vd ? vd_len : 0);
        k = model_key_add(k, &b->syscfg_digest, sizeof(b->syscfg_digest));
        /* templates see meta-data */
        if (json_write(&md, b->inst.md, 0) < 0)
                k = model_key_add(k, "?", 1); /* never matches a stored key */
        else
                k = model_key_add(k, md.data, md.len);
        buf_free_secret(&md);
        return k;
}

static void instance_path(const struct boot *b, const char *name, char *buf, size_t size)
{
        (void)snprintf(buf, size, CLOUD_DIR "/instances/%s/%s", b->inst.iid, name);
}

static void model_path(const struct boot *b, char *buf, size_t size)
{
        instance_path(b, MODEL_FILE, buf, size);
}

/* Build the model from the raw inputs: user-data and vendor-data each
 * consumed once; their warnings kept in the model for the stage that reports
 * them; each cloud-config validated once. Stored for this boot and the next
 * ones, after the files it stands for (a crash before leaves no model: the
 * next boot builds it again). */
static int model_build(struct boot *b, const char *ud, size_t ud_len, const char *vd, size_t vd_len,
                       bool fetch, struct model *ret)
{
        struct model m = { .key = model_key_of(b, ud, ud_len, vd, vd_len), .complete = true };
        struct buf diags = BUF_INIT(1024u * 1024);
        struct schema_report quiet = { 0 };
        bool u_merged = false, v_merged = false;
        char path[640];
        int r;

        m.iid = strdup(b->inst.iid);
        if (!m.iid)
                return -ENOMEM;
        /* a part may set keys of an external module the system lists name */
        (void)runner_load_modules(b->root_fd, b->syscfg);
        log_defer_warnings(&diags);
        r = consume(b, false, ud, ud_len, fetch, &m, &m.user, &u_merged);
        if (r >= 0 && vendor_enabled(m.user, b->syscfg))
                r = consume(b, true, vd, vd_len, fetch, &m, &m.vendor, &v_merged);
        else if (r >= 0)
                r = store_vendor_processed(b, vd, vd_len);
        log_defer_warnings(NULL);
        /* Each part was validated (values that are wrong removed); what
         * merging several made is validated as a whole, once. */
        if (m.user && u_merged)
                schema_validate_config(m.user, &quiet);
        if (m.vendor && v_merged)
                schema_validate_config(m.vendor, &quiet);
        if (r >= 0)
                r = model_add_diag_lines(&m, diags.data);
        buf_free(&diags);
        if (r < 0) {
                model_done(&m);
                return r;
        }
        model_path(b, path, sizeof(path));
        r = model_store(b->root_fd, path, &m);
        if (r < 0)
                log_warning_errno(r, "Cannot store the instance model %s: %m", path);
        log_debug("model: built from user-data and vendor-data (%zu warnings, %s)", m.n_diags,
                  m.complete ? "complete" : "includes to fetch");
        *ret = m;
        return 0;
}

/* Rebuild from the instance's raw files, when this boot's model is missing or
 * waits for includes the network stage can fetch. */
static int model_rebuild(struct boot *b, bool fetch, struct model *ret)
{
        _cleanup_free_ char *ud = NULL, *vd = NULL;
        size_t ud_len = 0, vd_len = 0;
        char path[640];
        int r;

        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/user-data.txt", b->inst.iid);
        r = fs_read_file(b->root_fd, path, b->limits.user_data_max, &ud, &ud_len);
        if (r < 0 && r != -ENOENT)
                return log_warning_errno(r, "Cannot read %s: %m", path);
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/vendor-data.txt", b->inst.iid);
        r = fs_read_file(b->root_fd, path, b->limits.user_data_max, &vd, &vd_len);
        if (r < 0 && r != -ENOENT)
                return log_warning_errno(r, "Cannot read %s: %m", path);
        r = model_build(b, ud, ud_len, vd, vd_len, fetch, ret);
        if (ud)
                explicit_bzero(ud, ud_len);
        if (vd)
                explicit_bzero(vd, vd_len);
        return r;
}

/* This boot's model into b->model. res: the datasource this stage found (its
 * raw inputs in memory), NULL when an earlier stage found it. fetch: this
 * stage may fetch #include URLs, and a model still waiting for them is built
 * again (the network stage). */
static int boot_model(struct boot *b, const struct ds_result *res, bool fetch)
{
        bool from_run = false;
        int r;

        if (res) {
                /* found_datasource() loaded a model stored for these inputs,
                 * or there is none: built now */
                r = b->have_model ? 0
                                  : model_build(b, res->ud, res->ud_len, res->vd, res->vd_len,
                                                fetch, &b->model);
        } else {
                /* later stages: what the first stage of this boot checked */
                r = model_load(b->root_fd, MODEL_RUN, 0, b->inst.iid, &b->model);
                if (r >= 0 && !b->model.complete && fetch) {
                        model_done(&b->model);
                        r = -ESTALE;
                }
                from_run = r >= 0;
                if (r < 0) {
                        r = model_rebuild(b, fetch, &b->model);
                        b->model_fetched = fetch;
                }
        }
        if (r < 0)
                return r;
        b->have_model = true;
        /* cloud-init's mark that user-data was consumed for this instance:
         * after the model, and again if a crash came between the two */
        if (!from_run && !state_sem_has_file(b->root_fd, b->inst.iid, "consume_data") &&
            state_sem_set_file(b->root_fd, b->inst.iid, "consume_data") < 0)
                log_warning("Cannot write the consume_data semaphore");
        if (!from_run) {
                r = model_store(b->root_fd, MODEL_RUN, &b->model);
                if (r < 0)
                        log_warning_errno(r, "Cannot write %s: %m", MODEL_RUN);
        }
        return 0;
}

/* ---- plan: the configuration this stage's modules see ---- */

/* b->cfg: system config, then the datasource's own cloud-config (as
 * cloud-init's ConfigMerger puts get_config_obj()), then vendor-data's
 * cloud-config (unless disabled), then the user's, each merged over what came
 * before. With take_syscfg (config, final, single: no use for the system
 * config alone after this) the system config itself becomes b->cfg, not a
 * copy of it, and b->syscfg is NULL. */
static int boot_merge_config(struct boot *b, bool take_syscfg)
{
        const struct node *u = b->have_model ? b->model.user : NULL;
        const struct node *v = b->have_model ? b->model.vendor : NULL;
        struct node *ds = NULL;
        bool vendor = v && vendor_enabled(u, b->syscfg);
        int r = 0;

        b->cfg = take_syscfg ? TAKE_PTR(b->syscfg) : node_copy(b->syscfg);
        if (!b->cfg)
                return -ENOMEM;
        (void)ds_config_load(b->root_fd, &ds);
        /* each of them: the model's key stands for user-data's and
         * vendor-data's inputs (its completeness too: the network stage
         * completes a model under the same key) */
        if (b->syscfg_digest && b->have_model) {
                uint8_t flags[2] = { vendor, b->model.complete };
                uint64_t k =
                        model_key_add(MODEL_KEY_INIT, &b->syscfg_digest, sizeof(b->syscfg_digest));
                k = model_key_add(k, &b->model.key, sizeof(b->model.key));
                k = model_key_add(k, flags, sizeof(flags));
                k = model_key_tree(k, ds);
                b->cfg_key = k ? k : 1;
        }
        if (ds) {
                r = node_merge(b->cfg, ds);
                ds_node_free_secret(ds);
        }
        if (r >= 0 && vendor)
                r = node_merge(b->cfg, v);
        if (u && r >= 0)
                r = node_merge(b->cfg, u);
        return r;
}

int stage_merged_config(int root_fd, struct node **ret)
{
        struct boot b = { .root_fd = root_fd, .output_fd = -1 };
        int r = syscfg_load(root_fd, &b.syscfg);

        if (r >= 0 && state_restore(root_fd, &b.inst) >= 0) {
                char path[640];
                model_path(&b, path, sizeof(path));
                b.have_model = model_load(root_fd, MODEL_RUN, 0, b.inst.iid, &b.model) >= 0 ||
                               model_load(root_fd, path, 0, b.inst.iid, &b.model) >= 0;
        }
        if (r >= 0)
                r = boot_merge_config(&b, true);
        if (r >= 0)
                *ret = TAKE_PTR(b.cfg);
        node_free(b.cfg);
        node_free(b.syscfg);
        model_done(&b.model);
        instance_done(&b.inst);
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

/* ---- the stage that consumes user-data: what processing found, and the
 * boothooks (every boot, with INSTANCE_ID set) ---- */
static void boot_consume(struct boot *b)
{
        for (size_t i = 0; i < b->model.n_diags; i++)
                log_warning("%s", b->model.diags[i]);
        if (!vendor_enabled(b->model.user, b->syscfg))
                log_info("vendor-data is disabled (vendor_data: {enabled: false})");
        for (size_t i = 0; i < b->model.n_hooks; i++) {
                const struct model_hook *h = &b->model.hooks[i];
                struct module_ctx mctx = module_ctx_of(b);
                struct exec_opts o;
                char env_iid[600], *argv[] = { h->path, NULL },
                                   *sh_argv[] = { (char *)"/bin/sh", h->path, NULL };
                char *envv[] = { env_iid, NULL };
                int status = 0, k;
                (void)snprintf(env_iid, sizeof(env_iid), "INSTANCE_ID=%s", b->inst.iid_raw);
                exec_opts_target(&mctx, &o);
                o.env = envv;
                /* without #! the boothook is a shell script */
                k = exec_argv(&o, h->shebang ? argv : sh_argv, &status);
                if (k < 0 || status != 0)
                        log_warning("Boothook %s failed (%s)", h->path,
                                    k < 0 ? strerror(-k) : "non-zero exit status");
                else
                        log_info("Ran boothook %s", h->path);
        }
}

/* ---- record: the end of a stage, status.json, then the exit code ---- */
static int finish(struct boot *b, const char *fatal)
{
        log_debug("finish: %s: %s%s%s", b->stage, fatal ? "FAIL" : "SUCCESS", fatal ? ": " : "",
                  fatal ? fatal : "");
        sd_proto_status("%s: %s", b->stage, fatal ? fatal : "done");
        int r = status_stage_end(b->root_fd, b->stage, b->have_inst ? b->inst.description : NULL,
                                 fatal);
        if (r < 0)
                log_error_errno(r, "Cannot write %s: %m", STATUS_JSON);
        return fatal ? 1 : 0;
}

/* ---- the stages ---- */

/* cloud-init's scratch directory, world-writable and sticky as /tmp: its
 * bootcmd module writes the commands there as a script, so it is there
 * after a boot whose cloud-config has bootcmd. */
static void make_run_tmp(struct boot *b)
{
        _cleanup_close_ int fd = -1;

        if (fs_mkdir_p(b->root_fd, RUN_DIR "/tmp", 0700) < 0)
                return;
        fd = fs_open_nofollow(b->root_fd, RUN_DIR "/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0 || fchmod(fd, 01777) < 0)
                log_warning("Cannot make %s/tmp world-writable", RUN_DIR);
}

/* Python's truth of a value (absent: false). */
static bool truthy(const struct node *v)
{
        if (!v)
                return false;
        switch (v->type) {
        case NODE_NULL:
                return false;
        case NODE_BOOL:
                return v->b;
        case NODE_INT:
                return v->i != 0;
        case NODE_SEQ:
        case NODE_MAP:
        case NODE_STR:
                return v->n > 0 || v->len > 0;
        default:
                return true;
        }
}

/* Whether user-data (or vendor-data) may need the network in the init
 * stage, by cloud-init's rules (_should_wait_via_user_data): anything but a
 * cloud-config, or one with bootcmd, mounts, a random_seed command or a
 * write_files source that is not a local file. cfg is what the model holds
 * of it (no second parse: init-local runs this every boot). */
static bool needs_network(const char *raw, size_t len, const struct node *cfg)
{
        const struct node *wf;

        if (!raw || len == 0)
                return false;
        if (userdata_type(raw, len) != UD_CLOUD_CONFIG || !cfg)
                return true;
        wf = node_get(cfg, "write_files");
        for (size_t i = 0; wf && wf->type == NODE_SEQ && i < wf->n; i++) {
                const char *uri = wf->items[i]->type == NODE_MAP
                                          ? node_str(node_get_path(wf->items[i], "source.uri"))
                                          : NULL;
                if (uri && uri[0] && uri[0] != '/' && !startswith(uri, "file:"))
                        return true;
        }
        return truthy(node_get(cfg, "bootcmd")) || truthy(node_get(cfg, "mounts")) ||
               truthy(node_get_path(cfg, "random_seed.command"));
}

/* modules-config on a provisioned boot: with cloud-init's lists every module
 * in it runs once per instance, so from the second boot on it has nothing to
 * run. Decided once, by the stage that ran the init modules, from the same
 * config that stage would load: when it is idle, its unit is not started
 * (ConditionPathExists=!CONFIG_SKIP), the report of its keys is given here,
 * and status.json records it done. modules-final always has work (its
 * final_message, boot-finished and result.json). */
static void plan_config_stage(struct boot *b, const struct module_ctx *ctx)
{
        if (!runner_stage_idle(ctx, STAGE_CONFIG)) {
                (void)fs_unlink(b->root_fd, CONFIG_SKIP);
                return;
        }
        schema_report_stage(ctx->cfg, STAGE_CONFIG);
        if (fs_write_atomic(b->root_fd, CONFIG_SKIP, "", 0, 0644, FS_NO_OWNER, (gid_t)-1) < 0) {
                log_warning("Cannot write %s: modules-config will start", CONFIG_SKIP);
                return;
        }
        if (status_stage_skipped(b->root_fd, "modules-config") < 0)
                log_warning("Cannot record modules-config as done in %s", STATUS_JSON);
        log_info("modules-config: every module of cloud_config_modules has run for this instance "
                 "and none runs on every boot: the stage is not started this boot");
}

/* The last boot's boot-finished, in the directory the instance link names,
 * the link read once: a path through it costs a walk in user space that
 * looks at each link on the way (22 system calls, for a link cloudboot
 * made). A link that cannot be read so is left to that walk. */
static void remove_boot_finished(int root_fd)
{
        char dir[PATH_MAX], path[PATH_MAX + 16];

        if (fs_link_target(root_fd, CLOUD_DIR "/instance", dir, sizeof(dir)) >= 0 &&
            (size_t)snprintf(path, sizeof(path), "%s/boot-finished", dir) < sizeof(path)) {
                (void)fs_unlink(root_fd, path);
                return;
        }
        (void)fs_unlink(root_fd, CLOUD_DIR "/instance/boot-finished");
}

/* set_hostname run ahead of its turn, where cloud-init's _maybe_set_hostname
 * runs it: init-local of a net-mode instance, before the network
 * configuration, and the stage that runs the init modules, before the
 * boothooks. Only while it has not run for this instance: its fqdn may fall
 * back to the current system hostname, and on a later boot that would undo
 * a name the admin chose. */
static void set_hostname_early(const struct boot *b, const struct module_ctx *ctx)
{
        const struct module *m = module_find("set_hostname");

        if (m && runner_activated(m, b->cfg) &&
            !state_sem_has(b->root_fd, b->inst.iid, m->name, m->freq)) {
                log_set_module(m->name);
                (void)m->run(ctx);
                log_set_module(NULL);
        }
}

/* init-local and init: detect → fetch → decode → merge → validate → plan →
 * run → record. init-local finds a local datasource and builds (or checks)
 * the model; init finds a network one, or takes init-local's. */
int stage_init(const struct boot_opts *o, bool local)
{
        struct boot b;
        struct ds_result res = { 0 };
        bool found = false;
        int r;

        r = boot_start(o, local ? "init-local" : "init", &b);
        if (r <= 0)
                return r < 0 ? 1 : 0;
        if (local) {
                (void)status_reset(b.root_fd);
                /* a model of an earlier boot never serves this one unchecked */
                (void)fs_unlink(b.root_fd, MODEL_RUN);
                /* nor does a datasource's configuration (cloud-init purges its cache) */
                (void)fs_unlink(b.root_fd, DS_CONFIG_RUN);
                /* nor the last boot's boot-finished: what polls it waits for
                 * this boot's, which the final stage writes (cloud-init's
                 * purge_cache removes it here too) */
                remove_boot_finished(b.root_fd);
        }
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
                r = state_reflect(b.root_fd, &b.inst);
                if (r < 0)
                        log_warning_errno(r, "Cannot record instance %s: %m", b.inst.iid_raw);
        } else {
                /* detect */
                struct platform plat;
                /* the line boot_disabled() read ("" if it could not) */
                platform_detect(b.root_fd, b.cmdline ? b.cmdline : "", &plat);
                struct ds_ctx dctx = { .root_fd = b.root_fd,
                                       .syscfg = b.syscfg,
                                       .local_stage = local,
                                       .probe_devices = b.probe_devices,
                                       .user_data_max = b.limits.user_data_max,
                                       .plat = &plat };
                if (!local) {
                        (void)fs_unlink(b.root_fd, INSTANCE_DATA_SENSITIVE);
                        (void)fs_unlink(b.root_fd, MODEL_RUN);
                }
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
                /* fetch: what the datasource gave, recorded */
                r = found_datasource(&b, &plat, &res, !local);
                if (r < 0) {
                        ds_result_done(&res);
                        r = finish(&b, "cannot record the instance");
                        boot_done(&b);
                        return r;
                }
                found = true;
        }

        /* decode, merge, validate: the model, built once per instance and
         * inputs (includes are fetched by the network stage). */
        r = boot_model(&b, found ? &res : NULL, !local);
        /* plan */
        if (r >= 0)
                r = boot_merge_config(&b, false);
        /* init-local tells init whether to wait for the network */
        if (r >= 0 && local && found && b.have_model &&
            !needs_network(res.ud, res.ud_len, b.model.user) &&
            !needs_network(res.vd, res.vd_len, b.model.vendor) &&
            fs_write_atomic(b.root_fd, RUN_DIR "/.skip-network", "", 0, 0644, FS_NO_OWNER,
                            (gid_t)-1) < 0)
                log_warning("Cannot write %s/.skip-network", RUN_DIR);
        if (r < 0) {
                ds_result_done(&res);
                r = finish(&b, "cannot load the cloud-config");
                boot_done(&b);
                return r;
        }
        /* The stage that runs the init modules reports on user-data and runs
         * its boothooks; init-local of a net-mode instance only reads it, so
         * that its hostname is set before the network. */
        if (!local || streq_ptr(b.inst.dsmode, "local")) {
                /* First the host name, as cloud-init's init-net sets it once
                 * the includes are in (they may name the host), before the
                 * boothooks; then the init modules' slow work begun, to go on
                 * while the boothooks and the modules before ssh run. Only
                 * when this stage found a new instance or fetched its
                 * includes: init-local did both for the others. */
                if (b.new_instance || b.model_fetched) {
                        struct module_ctx ctx = module_ctx_of(&b);
                        set_hostname_early(&b, &ctx);
                        runner_prepare_stage(&ctx, STAGE_INIT);
                }
                boot_consume(&b);
        }
        /* cloud-init records the merged configuration once user-data is consumed */
        if (!local || streq_ptr(b.inst.dsmode, "local")) {
                char path[640];
                const char *cache = NULL;
                if (b.have_inst && b.inst.iid) {
                        instance_path(&b, COMBINED_CONFIG_CACHE, path, sizeof(path));
                        cache = path;
                }
                r = state_write_combined_config(b.root_fd, b.cfg, b.cfg_key, cache);
                if (r < 0)
                        log_warning_errno(r, "Cannot write %s: %m", COMBINED_CLOUD_CONFIG);
        }
        if (local && !streq_ptr(b.inst.dsmode, "local")) {
                struct module_ctx ctx = module_ctx_of(&b);
                /* The host name before the network configuration, as
                 * cloud-init's init-local sets it: a DHCP client then sends
                 * it (LP: #1746455). */
                set_hostname_early(&b, &ctx);
                /* The init modules' slow work begun (the host keys, whose
                 * comment names the host just set), to go on while this
                 * stage waits for the NIC and until the module's turn: for a
                 * new instance (a known one's first boot is over: its walk of
                 * the list would cost every boot), and not while includes are
                 * left for the network stage to fetch, which may change what
                 * the modules are asked. */
                if (b.new_instance && b.have_model && b.model.complete)
                        runner_prepare_stage(&ctx, STAGE_INIT);
        }
        /* The network configuration, before the network starts (init-local,
         * with the fallback); a datasource found by the network stage writes
         * its own for the boots to come. */
        if (local || res.ds)
                network_configure(b.root_fd, b.cfg, b.syscfg, &res, b.inst.iid, local,
                                  b.root_is_host && local);
        ds_result_done(&res);

        /* run */
        if (local) {
                struct module_ctx ctx = module_ctx_of(&b);
                runner_run_stage(&ctx, STAGE_LOCAL);
        }
        if (!local || streq_ptr(b.inst.dsmode, "local")) {
                struct module_ctx ctx = module_ctx_of(&b);
                if (node_get(b.cfg, "bootcmd"))
                        make_run_tmp(&b);
                runner_run_stage(&ctx, STAGE_INIT);
                plan_config_stage(&b, &ctx);
        }
        /* record */
        r = finish(&b, NULL);
        boot_done(&b);
        return r;
}

/* The instance this boot found, and its model: what later stages start from. */
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
        /* includes the network stage could not fetch stay out, as they did */
        r = boot_model(b, NULL, /* fetch= */ false);
        if (r >= 0)
                r = boot_merge_config(b, true);
        return r;
}

/* modules-config and modules-final: the model this boot built → plan → run → record. */
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
