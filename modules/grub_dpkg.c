/* SPDX-License-Identifier: Apache-2.0 */
/* grub_dpkg (config stage, per instance): cloud-init's cc_grub_dpkg. With
 * grub_dpkg.enabled (the older grub-dpkg key too), grub's install device
 * goes to debconf: "grub-pc grub-pc/install_devices string DEV" and
 * "... install_devices_empty boolean true|false" on a BIOS boot,
 * "grub-pc grub-efi/install_devices string DEV" on an EFI one, given to
 * debconf-set-selections on stdin, run in the target by argv. A device not
 * given is found as cloud-init finds it: grub-probe of /boot (/boot/efi),
 * then its first /dev/disk/by-id link from udevadm. Each value is checked:
 * device paths and ", " lists of them, nothing that can add a line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "scripts.h"
#include "sysconf.h"

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_str = { .types = T_STR };
static const struct schema s_boolstr = { .types = T_BOOL | T_STR };
static const struct schema_prop grub_props[] = {
        { "enabled", &s_bool, false },
        { "grub-pc/install_devices", &s_str, false },
        { "grub-pc/install_devices_empty", &s_boolstr, false },
        { "grub-efi/install_devices", &s_str, false },
        { NULL, NULL, false },
};
static const struct schema s_grub = { .types = T_MAP, .props = grub_props, .closed = true };
static const struct schema s_grub_old = { .types = T_MAP };
static const struct schema_prop schema_keys[] = { { "grub_dpkg", &s_grub, false },
                                                  { "grub-dpkg", &s_grub_old, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "grub_dpkg", "grub-dpkg", NULL };

/* A device list as debconf's string takes it: paths and ", " between them. */
static bool devices_ok(const char *s)
{
        return *s == '\0' || sysconf_word_ok(s, "/._-:+@, ", 4096);
}

/* The first line of a command's output in the target, trimmed; NULL if none. */
static char *probe(const struct module_ctx *ctx, const char *const *argv)
{
        struct buf out = BUF_INIT(64 * 1024);
        struct exec_opts o;
        int status = 0;
        char *s;

        exec_opts_target(ctx, &o);
        o.capture = &out;
        o.timeout_sec = 60;
        if (exec_argv(&o, (char *const *)argv, &status) < 0 || status != 0 || !out.data) {
                buf_free(&out);
                return NULL;
        }
        s = buf_steal(&out, NULL);
        if (s) {
                size_t n = strlen(s);
                while (n && strchr(" \t\r\n", s[n - 1]))
                        s[--n] = '\0';
        }
        return s;
}

/* fetch_idevs: grub-probe's disk (partition on EFI), then its by-id link. */
static char *find_device(const struct module_ctx *ctx, bool efi)
{
        const char *gp[] = { "grub-probe", "-t", efi ? "device" : "disk",
                             efi ? "/boot/efi" : "/boot", NULL };
        _cleanup_free_ char *disk = NULL, *links = NULL;
        const char *best = NULL;
        char *tok, *save = NULL;

        if (!sysconf_have(ctx->root_fd, "grub-probe")) {
                log_debug("'grub-probe' not found in $PATH");
                return strdup("");
        }
        disk = probe(ctx, gp);
        if (!disk || !*disk || disk[0] != '/' || !fs_exists(ctx->root_fd, disk))
                return strdup("");
        if (sysconf_have(ctx->root_fd, "udevadm")) {
                const char *ua[] = { "udevadm", "info", "--root", "--query=symlink", disk, NULL };
                links = probe(ctx, ua);
        }
        for (tok = links ? strtok_r(links, " \t\n", &save) : NULL; tok;
             tok = strtok_r(NULL, " \t\n", &save))
                if (strstr(tok, "disk/by-id") && (!best || strcmp(tok, best) < 0))
                        best = tok;
        log_debug("selected %s", best ? best : disk);
        return strdup(best ? best : disk);
}

/* util.translate_bool of a string: true for cloud-init's TRUE_STRINGS. */
static bool str_true(const char *s)
{
        static const char *const yes[] = { "true", "1", "on", "yes", "y", "t", NULL };
        for (const char *const *y = yes; *y; y++)
                if (strcasecmp(s, *y) == 0)
                        return true;
        return false;
}

static int grub_dpkg_run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = module_chroot(ctx),
                                          .is_host = ctx->root_is_host };
        const struct node *cfg = node_get(ctx->cfg, "grub_dpkg"), *en, *dev, *empty;
        const char *argv[] = { "debconf-set-selections", NULL };
        _cleanup_free_ char *found = NULL;
        struct buf sel = BUF_INIT(16 * 1024);
        const char *key, *devs;
        bool efi;
        int r, status = 0;

        if (!cfg)
                cfg = node_get(ctx->cfg, "grub-dpkg");
        en = cfg && cfg->type == NODE_MAP ? node_get(cfg, "enabled") : NULL;
        /* util.is_false: only false (or "false", "off", "no", "0") turns it off,
         * and cloud-init's default for enabled is false */
        if (!en || (en->type == NODE_BOOL && !en->b) ||
            (node_str(en) && !str_true(en->str))) {
                log_debug("grub_dpkg disabled by config grub_dpkg/enabled=%s",
                          en && en->type == NODE_BOOL && en->b ? "True" : "False");
                return 0;
        }
        /* cloud-init asks this machine's /sys; under --root, the target's own */
        efi = fs_exists(ctx->root_fd, "/sys/firmware/efi");
        key = efi ? "grub-efi/install_devices" : "grub-pc/install_devices";
        dev = node_get(cfg, key);
        if (dev && !node_str(dev)) {
                sysconf_refuse(dev, key, "must be a string");
                return -EINVAL;
        }
        if (dev) {
                devs = dev->str;
        } else {
                found = find_device(ctx, efi);
                if (!found)
                        return -ENOMEM;
                devs = found;
        }
        if (!devices_ok(devs)) {
                if (dev)
                        sysconf_refuse(dev, key, "must be device paths, separated by ', '");
                else
                        log_error("grub_dpkg: the device found (%.64s) is not a device path; not "
                                  "set",
                                  devs);
                return -EINVAL;
        }
        if (efi) {
                (void)buf_printf(&sel, "grub-pc grub-efi/install_devices string %s\n", devs);
        } else {
                bool is_empty = !*devs;
                empty = node_get(cfg, "grub-pc/install_devices_empty");
                if (empty && empty->type == NODE_BOOL)
                        is_empty = empty->b;
                else if (empty && node_str(empty))
                        is_empty = str_true(empty->str);
                (void)buf_printf(&sel,
                                 "grub-pc grub-pc/install_devices string %s\n"
                                 "grub-pc grub-pc/install_devices_empty boolean %s\n",
                                 devs, is_empty ? "true" : "false");
        }
        if (buf_error(&sel) < 0) {
                r = buf_error(&sel);
                buf_free(&sel);
                return r;
        }
        log_debug("Setting grub debconf-set-selections with '%s'", sel.data);
        if (!sysconf_have(ctx->root_fd, "debconf-set-selections")) {
                buf_free(&sel);
                return log_error_errno(-ENOENT, "Failed to run debconf-set-selections for "
                                                "grub_dpkg: not in the target");
        }
        r = sysconf_run(&t, argv, NULL, sel.data, sel.len, /* timeout_sec= */ 120, &status);
        buf_free(&sel);
        if (r < 0)
                return log_error_errno(r, "Failed to run debconf-set-selections for grub_dpkg "
                                          "(exit status %d)",
                                       status);
        log_info("Set grub's install device in debconf (%s)", key);
        return 0;
}

const struct module mod_grub_dpkg = {
        .name = "grub_dpkg",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = grub_dpkg_run,
};
