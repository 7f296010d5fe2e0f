/* SPDX-License-Identifier: Apache-2.0 */
/* Generator decision and output (see generator.h), in the order cloud-init's
 * ds-identify decides: the disable switches, the policy (ci.di.policy= or
 * /etc/cloud/ds-identify.cfg), a datasource named on the kernel command line,
 * a datasource_list of one, then one check per datasource of the list, each
 * "found", "maybe" or not. The difference is what happens when nothing is
 * found: ds-identify disables cloud-init for the whole boot, and a cidata
 * CD-ROM that shows up a moment later is missed (cloud-init GH #6304/#3309).
 * Here "not found" only means "not pulled in now": the udev rule still starts
 * cloudboot.target when a seed device appears, at any time. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "blockdev.h"
#include "cmdline.h"
#include "datasource.h"
#include "fs.h"
#include "generator.h"
#include "macro.h"
#include "node.h"
#include "platform.h"
#include "syscfg.h"

#ifndef SYSTEMD_SYSTEM_UNIT_DIR
#define SYSTEMD_SYSTEM_UNIT_DIR "/usr/lib/systemd/system"
#endif

#define RUN_CFG "/run/cloud-init/cloud.cfg"
#define DI_LOG "/run/cloud-init/ds-identify.log"
#define DI_CFG "/etc/cloud/ds-identify.cfg"

/* The labels any datasource's check asks for, looked up once. */
static const char *const seed_labels[] = { "cidata",  "CIDATA", "config-2", "CONFIG-2",
                                           "CONTEXT", "CDROM",  NULL };

enum check { NOT_FOUND, MAYBE, FOUND };

struct gen {
        int root_fd;
        bool probe_devices;
        struct gen_result *res;
        struct platform plat;
        char *cmdline;
        /* labels: found through by-label links, else libblkid, once */
        bool labels_read;
        bool has_label[ELEMENTSOF(seed_labels)];
        char label_dev[ELEMENTSOF(seed_labels)][64];
};

_printf_(3, 4) static void say(char *reason, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(reason, size, fmt, ap);
        va_end(ap);
}

_printf_(2, 3) static void logf_(struct gen_result *r, const char *fmt, ...)
{
        va_list ap;
        int n;

        if (r->log_len >= sizeof(r->log) - 1)
                return;
        va_start(ap, fmt);
        n = vsnprintf(r->log + r->log_len, sizeof(r->log) - r->log_len, fmt, ap);
        va_end(ap);
        if (n > 0)
                r->log_len += (size_t)n < sizeof(r->log) - r->log_len
                                      ? (size_t)n
                                      : sizeof(r->log) - r->log_len - 1;
}

/* --- policy ------------------------------------------------------------- */

#define DEFAULT_POLICY "search,found=all,maybe=none,notfound=disabled"

static void parse_policy(const char *s, size_t len, struct gen_policy *p)
{
        while (len > 0) {
                size_t n = strcspn(s, ",");
                if (n > len)
                        n = len;
#define IS(word) (n == strlen(word) && strncmp(s, word, n) == 0)
                if (IS("search"))
                        p->mode = GEN_MODE_SEARCH;
                else if (IS("report"))
                        p->mode = GEN_MODE_REPORT;
                else if (IS("enabled"))
                        p->mode = GEN_MODE_ENABLED;
                else if (IS("disabled"))
                        p->mode = GEN_MODE_DISABLED;
                else if (IS("found=first") || IS("found=all"))
                        p->found_first = IS("found=first");
                else if (IS("maybe=all") || IS("maybe=none"))
                        p->maybe_all = IS("maybe=all");
                else if (IS("notfound=enabled") || IS("notfound=disabled"))
                        p->notfound_enabled = IS("notfound=enabled");
                        /* anything else: ds-identify warns and keeps the default */
#undef IS
                s += n;
                len -= n;
                if (len > 0) {
                        s++;
                        len--;
                }
        }
}

static const char *mode_name(enum gen_mode m)
{
        return m == GEN_MODE_REPORT     ? "report"
               : m == GEN_MODE_ENABLED  ? "enabled"
               : m == GEN_MODE_DISABLED ? "disabled"
                                        : "search";
}

/* /etc/cloud/ds-identify.cfg ("policy: ...", "datasource: ..."), then
 * ci.di.policy= on the kernel command line, over the default. */
static void read_policy(struct gen *g, char *dsname, size_t size)
{
        _cleanup_free_ char *cfg = NULL;
        struct gen_policy *p = &g->res->policy;
        size_t len;

        *p = (struct gen_policy){ .mode = GEN_MODE_SEARCH };
        parse_policy(DEFAULT_POLICY, strlen(DEFAULT_POLICY), p);
        if (fs_read_file(g->root_fd, DI_CFG, 64u * 1024, &cfg, &len) >= 0)
                for (const char *l = cfg; *l;) {
                        size_t n = strcspn(l, "\n");
                        if (n > 7 && strncmp(l, "policy:", 7) == 0) {
                                const char *v = l + 7 + strspn(l + 7, " \t");
                                parse_policy(v, (size_t)(l + n - v), p);
                        } else if (n > 11 && strncmp(l, "datasource:", 11) == 0) {
                                const char *v = l + 11 + strspn(l + 11, " \t");
                                size_t vl = strcspn(v, " \t\n");
                                if (vl > 0 && vl < size) {
                                        memcpy(dsname, v, vl);
                                        dsname[vl] = 0;
                                }
                        }
                        l += n;
                        l += *l == '\n';
                }
        for (const char *w = g->cmdline ? g->cmdline : ""; *w;) {
                size_t n = strcspn(w, " \t\n");
                if (n > 13 && strncmp(w, "ci.di.policy=", 13) == 0)
                        parse_policy(w + 13, n - 13, p);
                w += n;
                w += strspn(w, " \t\n");
        }
}

/* --- evidence ----------------------------------------------------------- */

static void read_labels(struct gen *g)
{
        if (g->labels_read)
                return;
        g->labels_read = true;
        for (size_t i = 0; seed_labels[i]; i++) {
                char path[64];
                (void)snprintf(path, sizeof(path), "/dev/disk/by-label/%s", seed_labels[i]);
                if (fs_exists(g->root_fd, path)) {
                        g->has_label[i] = true;
                        (void)snprintf(g->label_dev[i], sizeof(g->label_dev[i]), "%s", path);
                }
        }
        /* Generators run before udev's coldplug in the real root, so a seed
         * disk may have no by-label link yet: ask libblkid, as ds-identify
         * asks blkid. */
        if (g->probe_devices) {
                static const char *const types[] = { "iso9660", "vfat", NULL };
                struct labelled_dev *devs = NULL;
                size_t n = 0;
                /* one scan for all; only when one matched, one per label to
                 * tell which (blockdev_find does not say) */
                (void)blockdev_find(seed_labels, types, &devs, &n);
                blockdev_list_free(devs, n);
                for (size_t i = 0; seed_labels[i] && n > 0; i++) {
                        const char *one[] = { seed_labels[i], NULL };
                        struct labelled_dev *ld = NULL;
                        size_t m = 0;
                        if (g->has_label[i])
                                continue;
                        if (blockdev_find(one, types, &ld, &m) >= 0 && m > 0) {
                                g->has_label[i] = true;
                                (void)snprintf(g->label_dev[i], sizeof(g->label_dev[i]), "%s",
                                               ld[0].devname);
                        }
                        blockdev_list_free(ld, m);
                }
        }
        logf_(g->res, "FS_LABELS=");
        for (size_t i = 0; seed_labels[i]; i++)
                if (g->has_label[i])
                        logf_(g->res, "%s(%s) ", seed_labels[i], g->label_dev[i]);
        logf_(g->res, "\n");
}

/* One of labels (NULL-ended) on a filesystem; the reason names it. */
static bool has_label(struct gen *g, const char *const *labels)
{
        read_labels(g);
        for (const char *const *l = labels; *l; l++)
                for (size_t i = 0; seed_labels[i]; i++)
                        if (g->has_label[i] && streq(seed_labels[i], *l)) {
                                say(g->res->reason, sizeof(g->res->reason),
                                    "a filesystem labelled %s", *l);
                                return true;
                        }
        return false;
}

static bool has_path(struct gen *g, const char *path, const char *what)
{
        if (!fs_exists(g->root_fd, path))
                return false;
        say(g->res->reason, sizeof(g->res->reason), "%s: %s", what, path);
        return true;
}

/* --- one check per datasource, as ds-identify's dscheck_* ------------------ */

static bool has_word_prefix(const char *line, const char *prefix)
{
        for (const char *w = line; *w;) {
                size_t l = strcspn(w, " \t\n");
                if (l >= strlen(prefix) && strncmp(w, prefix, strlen(prefix)) == 0)
                        return true;
                w += l;
                w += strspn(w, " \t\n");
        }
        return false;
}

static enum check check_nocloud(struct gen *g)
{
        static const char *const labels[] = { "cidata", "CIDATA", NULL };
        _cleanup_free_ char *serial = NULL;

        if (g->cmdline && has_word_prefix(g->cmdline, "ds=nocloud")) {
                say(g->res->reason, sizeof(g->res->reason),
                    "the kernel command line names ds=nocloud");
                return FOUND;
        }
        if (fs_read_line(g->root_fd, "/sys/class/dmi/id/product_serial", &serial) >= 0 &&
            strstr(serial, "ds=nocloud")) {
                say(g->res->reason, sizeof(g->res->reason), "the SMBIOS serial names ds=nocloud");
                return FOUND;
        }
        if (has_path(g, "/var/lib/cloud/seed/nocloud/meta-data", "a seed directory") ||
            has_path(g, "/var/lib/cloud/seed/nocloud-net/meta-data", "a seed directory") ||
            has_label(g, labels))
                return FOUND;
        return NOT_FOUND;
}

static enum check check_configdrive(struct gen *g)
{
        static const char *const labels[] = { "config-2", "CONFIG-2", NULL };

        return has_path(g, "/var/lib/cloud/seed/config_drive/openstack", "a seed directory") ||
                               has_label(g, labels)
                       ? FOUND
                       : NOT_FOUND;
}

static enum check check_credentials(struct gen *g)
{
        return has_path(g, "/run/credentials/@system/cloudboot.user-data", "a system credential") ||
                               has_path(g, "/run/credentials/@system/cloudboot.meta-data",
                                        "a system credential")
                       ? FOUND
                       : NOT_FOUND;
}

static enum check check_opennebula(struct gen *g)
{
        static const char *const labels[] = { "CONTEXT", "CDROM", NULL };

        return has_path(g, "/var/lib/cloud/seed/opennebula/context.sh", "a seed directory") ||
                               has_label(g, labels)
                       ? FOUND
                       : NOT_FOUND;
}

static enum check check_lxd(struct gen *g)
{
        char **ports = NULL;
        size_t n = 0;
        struct stat st;
        enum check c = NOT_FOUND;

        if (fs_stat(g->root_fd, "/dev/lxd/sock", false, &st) >= 0 && S_ISSOCK(st.st_mode)) {
                say(g->res->reason, sizeof(g->res->reason), "the LXD socket /dev/lxd/sock");
                return FOUND;
        }
        /* an LXD VM: the socket comes with lxd-agent, later; its virtio port
         * is there already */
        if (!streq(g->plat.hypervisor, "kvm") ||
            fs_list_dir(g->root_fd, "/sys/class/virtio-ports", NULL, 256, &ports, &n) < 0)
                return NOT_FOUND;
        for (size_t i = 0; i < n && c == NOT_FOUND; i++) {
                _cleanup_free_ char *name = NULL;
                char path[320];
                (void)snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", ports[i]);
                if (fs_read_line(g->root_fd, path, &name) >= 0 &&
                    (streq(name, "com.canonical.lxd") || streq(name, "org.linuxcontainers.lxd"))) {
                        say(g->res->reason, sizeof(g->res->reason), "the LXD virtio port %s", name);
                        c = FOUND;
                }
        }
        fs_list_free(ports, n);
        return c;
}

/* ds-identify asks guestinfo itself; a generator runs no tools, so VMware's
 * identity and its tools in the target are the evidence, and the probe
 * decides. */
static enum check check_vmware(struct gen *g)
{
        static const char *const tools[] = {
                "/usr/bin/vmware-rpctool",
                "/usr/bin/vmtoolsd",
                "/usr/sbin/vmware-rpctool",
                "/usr/sbin/vmtoolsd",
                "/bin/vmware-rpctool",
                "/bin/vmtoolsd",
                "/sbin/vmware-rpctool",
                "/sbin/vmtoolsd",
                "/usr/local/bin/vmware-rpctool",
                "/usr/local/bin/vmtoolsd",
                NULL,
        };

        if (!streq(g->plat.hypervisor, "vmware") ||
            !strcasestr(g->plat.dmi[DMI_PRODUCT_NAME], "vmware"))
                return NOT_FOUND;
        for (const char *const *t = tools; *t; t++)
                if (fs_exists(g->root_fd, *t)) {
                        say(g->res->reason, sizeof(g->res->reason),
                            "the DMI identity of VMware and %s", *t);
                        return FOUND;
                }
        return NOT_FOUND;
}

/* A network datasource: the cloud its DMI identity names. */
static enum check check_cloud(struct gen *g, const struct datasource *ds)
{
        if (ds->cloud && g->plat.cloud && streq(ds->cloud, g->plat.cloud)) {
                say(g->res->reason, sizeof(g->res->reason), "the DMI identity of %s",
                    g->plat.cloud);
                return FOUND;
        }
        return NOT_FOUND;
}

static enum check check(struct gen *g, const struct datasource *ds)
{
        static const struct {
                const char *name;
                enum check (*fn)(struct gen *g);
        } checks[] = {
                { "NoCloud", check_nocloud },
                { "ConfigDrive", check_configdrive },
                { "Credentials", check_credentials },
                { "OpenNebula", check_opennebula },
                { "LXD", check_lxd },
                { "VMware", check_vmware },
        };
        for (size_t i = 0; i < ELEMENTSOF(checks); i++)
                if (streq(checks[i].name, ds->name))
                        return checks[i].fn(g);
        return check_cloud(g, ds);
}

/* --- the decision ------------------------------------------------------- */

static bool valid_dsname(const char *s)
{
        if (!s[0])
                return false;
        for (; *s; s++)
                if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
                        return false;
        return true;
}

/* The datasource_list to check: system config's, unless it is our own
 * output of an earlier run (generators run again on daemon-reload). */
static size_t read_list(struct gen *g, const struct node *cfg, const struct datasource **list,
                        const char **ret_file)
{
        const struct node *l = node_get(cfg, "datasource_list");
        size_t n = 0;

        *ret_file = NULL;
        if (!l || l->type != NODE_SEQ || streq_ptr(l->file, RUN_CFG))
                l = NULL;
        else if (l->file && !streq(l->file, "<built-in>"))
                *ret_file = l->file;
        if (!l) {
                static const char *const def[] = { "NoCloud", "ConfigDrive", "Credentials",
                                                   "LXD",     "OpenNebula",  "VMware",
                                                   "Azure",   "GCE",         "OpenStack",
                                                   "Ec2",     "None",        NULL };
                for (const char *const *d = def; *d && n < GEN_LIST_MAX; d++)
                        if (ds_lookup(*d))
                                list[n++] = ds_lookup(*d);
                return n;
        }
        logf_(g->res, "DSLIST=");
        for (size_t i = 0; i < l->n && n < GEN_LIST_MAX; i++) {
                const char *name = node_str(l->items[i]);
                const struct datasource *ds = name ? ds_lookup(name) : NULL;
                if (ds)
                        list[n++] = ds;
                else
                        logf_(g->res, "(%s: not a datasource cloudboot has) ",
                              name ? name : "a non-string");
        }
        return n;
}

void generator_identify(int root_fd, bool probe_devices, struct gen_result *res)
{
        _cleanup_node_ struct node *cfg = NULL;
        _cleanup_free_ char *cmdline = NULL;
        const struct datasource *list[GEN_LIST_MAX], *maybe[GEN_LIST_MAX];
        const char *file;
        size_t n, nmaybe = 0;
        struct gen g = { .root_fd = root_fd, .probe_devices = probe_devices, .res = res };

        *res = (struct gen_result){ .decision = GEN_NOT_FOUND };
        (void)fs_read_line(root_fd, "/proc/cmdline", &cmdline);
        g.cmdline = cmdline;
        if (fs_exists(root_fd, "/etc/cloud/cloud-init.disabled")) {
                say(res->reason, sizeof(res->reason), "disabled by /etc/cloud/cloud-init.disabled");
                res->decision = GEN_DISABLED;
                return;
        }
        if (cmdline && cmdline_has_word(cmdline, "cloud-init=disabled")) {
                say(res->reason, sizeof(res->reason),
                    "disabled by cloud-init=disabled on the kernel command line");
                res->decision = GEN_DISABLED;
                return;
        }
        if (cmdline && cmdline_has_word(cmdline, "cloud-init=enabled")) {
                say(res->reason, sizeof(res->reason),
                    "enabled by cloud-init=enabled on the kernel command line");
                res->decision = GEN_ENABLED;
                return;
        }
        read_policy(&g, res->dsname, sizeof(res->dsname));
        platform_detect(root_fd, cmdline ? cmdline : "", &g.plat);
        logf_(res, "policy loaded: mode=%s report=%s found=%s maybe=%s notfound=%s\n",
              mode_name(res->policy.mode), res->policy.mode == GEN_MODE_REPORT ? "true" : "false",
              res->policy.found_first ? "first" : "all", res->policy.maybe_all ? "all" : "none",
              res->policy.notfound_enabled ? "enabled" : "disabled");
        for (int f = 0; f < _DMI_MAX; f++)
                logf_(res, "DMI_%s=%s\n", dmi_field_name((enum dmi_field)f), g.plat.dmi[f]);
        logf_(res, "VIRT=%s\nCLOUD=%s\nKERNEL_CMDLINE=%s\n", g.plat.hypervisor,
              g.plat.cloud ? g.plat.cloud : "", cmdline ? cmdline : "");
        if (res->policy.mode == GEN_MODE_DISABLED) {
                say(res->reason, sizeof(res->reason), "disabled by the ds-identify policy");
                res->decision = GEN_DISABLED;
                return;
        }
        if (res->policy.mode == GEN_MODE_ENABLED) {
                say(res->reason, sizeof(res->reason), "enabled by the ds-identify policy");
                res->decision = GEN_ENABLED;
                return;
        }
        res->write_list = true;
        /* ds=NAME, ci.ds=NAME, ci.datasource=NAME: that one */
        if (cmdline && cmdline_datasource(cmdline, res->dsname, sizeof(res->dsname)) > 0) {
                const char *word = NULL;
                size_t wl = 0;
                /* the word as it was given (ci.ds=, ds=nocloud;s=...): the last one */
                for (const char *w = cmdline; *w;) {
                        size_t l = strcspn(w, " \t\n");
                        if ((l > 3 && strncmp(w, "ds=", 3) == 0) ||
                            (l > 6 && strncmp(w, "ci.ds=", 6) == 0) ||
                            (l > 14 && strncmp(w, "ci.datasource=", 14) == 0)) {
                                word = w;
                                wl = l;
                        }
                        w += l;
                        w += strspn(w, " \t\n");
                }
                say(res->reason, sizeof(res->reason), "the kernel command line has %.*s",
                    (int)(wl > 200 ? 200 : wl), word ? word : res->dsname);
        }
        if (res->dsname[0]) {
                const struct datasource *ds = ds_lookup(
                        strncasecmp(res->dsname, "nocloud", 7) == 0 ? "NoCloud" : res->dsname);
                if (!res->reason[0])
                        say(res->reason, sizeof(res->reason), "%s names datasource %s", DI_CFG,
                            res->dsname);
                logf_(res, "DSNAME=%s\ndatasource '%s' specified.\n", res->dsname, res->dsname);
                if (ds)
                        res->list[res->n++] = ds->name;
                else if (valid_dsname(res->dsname))
                        res->list[res->n++] = res->dsname;
                res->decision = GEN_ENABLED;
                return;
        }
        if (syscfg_load(root_fd, &cfg) < 0)
                cfg = NULL;
        n = read_list(&g, cfg, list, &file);
        logf_(res, "\n");
        /* a datasource_list of one (and None): ds-identify uses it as it is */
        if (file && (n == 1 || (n == 2 && list[1] == &ds_none)) && list[0] != &ds_none) {
                say(res->reason, sizeof(res->reason), "datasource_list in %s names %s", file,
                    list[0]->name);
                logf_(res, "single entry in datasource_list (%s) use that.\n", list[0]->name);
                res->list[res->n++] = list[0]->name;
                res->none_only = n == 1;
                res->decision = GEN_ENABLED;
                return;
        }
        char first_reason[sizeof(res->reason)] = "";
        for (size_t i = 0; i < n; i++) {
                enum check c;
                if (list[i] == &ds_none)
                        continue;
                res->reason[0] = 0;
                c = check(&g, list[i]);
                logf_(res, "check for '%s' returned %s%s%s\n", list[i]->name,
                      c == FOUND   ? "found"
                      : c == MAYBE ? "maybe"
                                   : "not-found",
                      c != NOT_FOUND ? ": " : "", c != NOT_FOUND ? res->reason : "");
                if (c == FOUND && (!res->policy.found_first || res->n == 0)) {
                        if (res->n == 0)
                                memcpy(first_reason, res->reason, sizeof(first_reason));
                        res->list[res->n++] = list[i]->name;
                } else if (c == MAYBE)
                        maybe[nmaybe++] = list[i];
        }
        if (res->n > 0) {
                memcpy(res->reason, first_reason, sizeof(res->reason));
                res->decision = GEN_ENABLED;
                return;
        }
        if (nmaybe > 0 && res->policy.maybe_all) {
                for (size_t i = 0; i < nmaybe; i++)
                        res->list[res->n++] = maybe[i]->name;
                say(res->reason, sizeof(res->reason), "maybe %s (maybe=all)", maybe[0]->name);
                res->decision = GEN_ENABLED;
                return;
        }
        if (res->policy.notfound_enabled) {
                say(res->reason, sizeof(res->reason),
                    "no datasource found; enabled by the policy's notfound=enabled");
                res->write_list = false;
                res->decision = GEN_ENABLED;
                return;
        }
        say(res->reason, sizeof(res->reason),
            "no datasource in sight; a seed device that appears later still "
            "starts cloudboot.target through udev");
        res->decision = GEN_NOT_FOUND;
}

enum gen_decision generator_decide(int root_fd, bool probe_devices, char *reason, size_t size)
{
        static struct gen_result res; /* 5 KB: not on a generator's stack */

        generator_identify(root_fd, probe_devices, &res);
        say(reason, size, "%s", res.reason);
        return res.decision;
}

/* /run/cloud-init/cloud.cfg as ds-identify writes it. */
static void write_run_cfg(int root_fd, const struct gen_result *res)
{
        char text[1024];
        size_t len = 0;
        bool report = res->policy.mode == GEN_MODE_REPORT;
        bool has_none = false;

        if (!res->write_list) {
                (void)fs_unlink(root_fd, RUN_CFG);
                return;
        }
        if (res->n == 0) {
                /* not the empty list: that would mean "search nothing" */
                len = (size_t)snprintf(text, sizeof(text),
                                       "di_report:\n  # reporting not found result. "
                                       "notfound=%s.\n  datasource_list: [  ]\n",
                                       res->policy.notfound_enabled ? "enabled" : "disabled");
        } else {
                len = (size_t)snprintf(text, sizeof(text), "%sdatasource_list: [ ",
                                       report ? "di_report:\n  " : "");
                for (size_t i = 0; i < res->n && len < sizeof(text); i++) {
                        has_none = has_none || streq(res->list[i], "None");
                        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
                                                i ? ", " : "", res->list[i]);
                }
                if (len < sizeof(text))
                        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s ]\n",
                                                has_none || res->none_only ? "" : ", None");
        }
        if (len >= sizeof(text))
                return;
        (void)fs_write_atomic(root_fd, RUN_CFG, text, len, 0644, FS_NO_OWNER, (gid_t)-1);
}

static uint64_t now_usec(void)
{
        struct timespec ts;
        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int generator_run(const char *root, const char *early_dir)
{
        _cleanup_close_ int root_fd = fs_open_root(root), host = fs_open_root("/");
        static struct gen_result res;
        char wants[4096], link[4200], line[700], tail[160];
        enum gen_decision d;
        uint64_t t0 = now_usec();
        int r;

        if (root_fd < 0 || host < 0) {
                fprintf(stderr, "cloudboot-generator: cannot open %s: %s\n", root,
                        strerror(-(root_fd < 0 ? root_fd : host)));
                return 1;
        }
        generator_identify(root_fd, streq(root, "/"), &res);
        d = res.decision;
        /* cloud-init's markers, which `status` and other tools read */
        (void)fs_mkdir_p(root_fd, "/run/cloud-init", 0755);
        (void)fs_unlink(root_fd,
                        d == GEN_ENABLED ? "/run/cloud-init/disabled" : "/run/cloud-init/enabled");
        if (d != GEN_NOT_FOUND)
                (void)fs_write_atomic(root_fd,
                                      d == GEN_ENABLED ? "/run/cloud-init/enabled"
                                                       : "/run/cloud-init/disabled",
                                      "", 0, 0644, FS_NO_OWNER, (gid_t)-1);
        else
                (void)fs_unlink(root_fd, "/run/cloud-init/disabled");
        write_run_cfg(root_fd, &res);
        int n = snprintf(line, sizeof(line), "%s: %s\n",
                         d == GEN_ENABLED    ? "enabled"
                         : d == GEN_DISABLED ? "disabled"
                                             : "not enabled",
                         res.reason);
        if (n > 0)
                (void)fs_write_atomic(root_fd, "/run/cloud-init/cloudboot-generator.log", line,
                                      (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1, 0644,
                                      FS_NO_OWNER, (gid_t)-1);
        /* ds-identify.log: the facts, each check, the result and the time taken */
        int k = snprintf(tail, sizeof(tail), "%s\ndecided in %llu us, returning %d\n",
                         d == GEN_ENABLED    ? "enabled"
                         : d == GEN_DISABLED ? "disabled"
                                             : "not found",
                         (unsigned long long)(now_usec() - t0), d == GEN_ENABLED ? 0 : 1);
        if (k > 0) {
                struct buf b = BUF_INIT(sizeof(res.log) + sizeof(line) + sizeof(tail));
                if (buf_append(&b, res.log, res.log_len) >= 0 && buf_puts(&b, line) >= 0 &&
                    buf_puts(&b, tail) >= 0)
                        (void)fs_write_buf(root_fd, DI_LOG, &b, 0644, FS_NO_OWNER, (gid_t)-1);
                buf_free(&b);
        }
        if (d != GEN_ENABLED)
                return 0;
        /* systemd passes absolute directories; the link goes in the early one
         * so that it wins over an admin's "disable" in /etc, as cloud-init's does */
        if (early_dir[0] != '/' ||
            (size_t)snprintf(wants, sizeof(wants), "%s/multi-user.target.wants", early_dir) >=
                    sizeof(wants))
                return 1;
        (void)snprintf(link, sizeof(link), "%s/cloudboot.target", wants);
        r = fs_mkdir_p(host, wants, 0755);
        if (r >= 0)
                r = fs_symlink_atomic(host, SYSTEMD_SYSTEM_UNIT_DIR "/cloudboot.target", link);
        if (r < 0) {
                fprintf(stderr, "cloudboot-generator: cannot link %s: %s\n", link, strerror(-r));
                return 1;
        }
        return 0;
}
