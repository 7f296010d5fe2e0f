/* SPDX-License-Identifier: Apache-2.0 */
/* The module registry and cloud-init's module lists per stage (Debian's
 * cloud.cfg of 26.x). A name with no descriptor here is a module cloudboot
 * does not have yet: the stage runner reports its keys as not applied. */
#include <stdlib.h>
#include <string.h>

#include "external.h"
#include "module.h"

extern const struct module mod_set_hostname;
extern const struct module mod_update_hostname;
extern const struct module mod_write_files;
extern const struct module mod_write_files_deferred;
extern const struct module mod_timezone;
extern const struct module mod_bootcmd;
extern const struct module mod_runcmd;
extern const struct module mod_scripts_vendor;
extern const struct module mod_scripts_user;
extern const struct module mod_scripts_per_instance;
extern const struct module mod_scripts_per_boot;
extern const struct module mod_scripts_per_once;
extern const struct module mod_final_message;
extern const struct module mod_update_etc_hosts;
extern const struct module mod_machine_id;
extern const struct module mod_users_groups;
extern const struct module mod_ssh;
extern const struct module mod_set_passwords;
extern const struct module mod_keys_to_console;
extern const struct module mod_packages;
extern const struct module mod_power_state;
extern const struct module mod_phone_home;
extern const struct module mod_mounts;
extern const struct module mod_growpart;
extern const struct module mod_disk_setup;
extern const struct module mod_resizefs;
extern const struct module mod_apt_configure;
extern const struct module mod_apt_pipelining;
extern const struct module mod_ntp;
extern const struct module mod_locale;
extern const struct module mod_keyboard;
extern const struct module mod_rsyslog;
extern const struct module mod_seed_random;
extern const struct module mod_yum_add_repo;
extern const struct module mod_ca_certs;
extern const struct module mod_ssh_import_id;
extern const struct module mod_apk_configure;
extern const struct module mod_install_hotplug;
extern const struct module mod_disable_ec2_metadata;
extern const struct module mod_grub_dpkg;
extern const struct module mod_resolv_conf;
extern const struct module mod_zypper_add_repo;
extern const struct module mod_ssh_authkey_fingerprints;
extern const struct module mod_wireguard;
extern const struct module mod_reset_rmc;

/* clang-format off */
static const struct module *const all[] = {
        &mod_set_hostname,
        &mod_update_hostname,
        &mod_write_files,
        &mod_write_files_deferred,
        &mod_timezone,
        &mod_bootcmd,
        &mod_runcmd,
        &mod_scripts_vendor,
        &mod_scripts_user,
        &mod_scripts_per_instance,
        &mod_scripts_per_boot,
        &mod_scripts_per_once,
        &mod_final_message,
        &mod_update_etc_hosts,
        &mod_machine_id,
        &mod_users_groups,
        &mod_ssh,
        &mod_set_passwords,
        &mod_keys_to_console,
        &mod_packages,
        &mod_power_state,
        &mod_phone_home,
        &mod_mounts,
        &mod_growpart,
        &mod_disk_setup,
        &mod_resizefs,
        &mod_apt_configure,
        &mod_apt_pipelining,
        &mod_ntp,
        &mod_locale,
        &mod_keyboard,
        &mod_rsyslog,
        &mod_seed_random,
        &mod_yum_add_repo,
        &mod_ca_certs,
        &mod_ssh_import_id,
        &mod_apk_configure,
        &mod_install_hotplug,
        &mod_disable_ec2_metadata,
        &mod_grub_dpkg,
        &mod_resolv_conf,
        &mod_zypper_add_repo,
        &mod_ssh_authkey_fingerprints,
        &mod_wireguard,
        &mod_reset_rmc,
        NULL,
};

/* cloudboot's own: in init-local whatever the dsmode, and first in init in
 * case no datasource was found before the network (the semaphore keeps it
 * to once per instance). */
static const char *const local_list[] = {
        "machine_id",
        NULL,
};

static const char *const init_list[] = {
        "seed_random",
        "bootcmd",
        "write_files",
        "growpart",
        "resizefs",
        "disk_setup",
        "mounts",
        "set_hostname",
        "update_hostname",
        "update_etc_hosts",
        "ca_certs",
        "rsyslog",
        "users_groups",
        "ssh",
        "set_passwords",
        NULL,
};

static const char *const config_list[] = {
        "snap",
        "ssh_import_id",
        "keyboard",
        "locale",
        "grub_dpkg",
        "apt_pipelining",
        "apt_configure",
        "ntp",
        "timezone",
        "disable_ec2_metadata",
        "runcmd",
        "byobu",
        NULL,
};

static const char *const final_list[] = {
        "package_update_upgrade_install",
        "fan",
        "landscape",
        "lxd",
        "write_files_deferred",
        "puppet",
        "chef",
        "ansible",
        "mcollective",
        "salt_minion",
        "reset_rmc",
        "scripts_vendor",
        "scripts_per_once",
        "scripts_per_boot",
        "scripts_per_instance",
        "scripts_user",
        "ssh_authkey_fingerprints",
        "keys_to_console",
        "install_hotplug",
        "phone_home",
        "final_message",
        "power_state_change",
        NULL,
};
/* clang-format on */

static int cmp_module(const void *a, const void *b)
{
        return strcmp((*(const struct module *const *)a)->name,
                      (*(const struct module *const *)b)->name);
}

/* A stage looks names up a few hundred times (each list entry, each key's
 * owner): a binary search over the built-ins sorted once by name, not a
 * scan of the registry, whose order is the stages' and stays as it is. */
const struct module *module_builtin_find(const char *name)
{
        static const struct module *by_name[ELEMENTSOF(all) - 1];
        const struct module key = { .name = name }, *k = &key, *const *m;

        if (!by_name[0]) {
                memcpy(by_name, all, sizeof(by_name));
                qsort(by_name, ELEMENTSOF(by_name), sizeof(by_name[0]), cmp_module);
        }
        m = bsearch(&k, by_name, ELEMENTSOF(by_name), sizeof(by_name[0]), cmp_module);
        return m ? *m : NULL;
}

/* With external modules loaded, the registry is theirs and the built-ins
 * they do not replace (external.c); otherwise the built-ins alone. */
const struct module *module_find(const char *name)
{
        const struct module *const *ext = external_registry();

        if (!ext)
                return module_builtin_find(name);
        for (const struct module *const *m = ext; *m; m++)
                if (streq((*m)->name, name))
                        return *m;
        return NULL;
}

const struct module *const *module_all(void)
{
        const struct module *const *ext = external_registry();
        return ext ? ext : all;
}

const struct module *const *module_builtins(void)
{
        return all;
}

const char *const *module_stage_list(enum stage_kind stage)
{
        switch (stage) {
        case STAGE_LOCAL:
                return local_list;
        case STAGE_INIT:
                return init_list;
        case STAGE_CONFIG:
                return config_list;
        default:
                return final_list;
        }
}

const char *freq_name(enum freq f)
{
        switch (f) {
        case FREQ_ALWAYS:
                return "always";
        case FREQ_ONCE:
                return "once";
        default:
                return "once-per-instance";
        }
}

int freq_parse(const char *s, enum freq *ret)
{
        if (streq(s, "always") || streq(s, "per-always"))
                *ret = FREQ_ALWAYS;
        else if (streq(s, "once") || streq(s, "per-once"))
                *ret = FREQ_ONCE;
        else if (streq(s, "instance") || streq(s, "once-per-instance") || streq(s, "per-instance"))
                *ret = FREQ_INSTANCE;
        else
                return -EINVAL;
        return 0;
}

static bool list_has(const char *const *list, const char *name)
{
        for (; *list; list++)
                if (streq(*list, name))
                        return true;
        return false;
}

enum stage_kind module_default_stage(const struct module *m)
{
        if (m->ext)
                return external_stage(m);
        for (enum stage_kind k = STAGE_INIT; k <= STAGE_FINAL; k++)
                if (list_has(module_stage_list(k), m->name))
                        return k;
        /* a built-in no default list names: where cloudboot's own run */
        return STAGE_LOCAL;
}

const char *stage_kind_name(enum stage_kind k)
{
        static const char *const names[] = { "init-local", "init", "modules-config",
                                             "modules-final" };
        return names[k];
}

const char *stage_list_key(enum stage_kind k)
{
        static const char *const keys[] = { NULL, "cloud_init_modules", "cloud_config_modules",
                                            "cloud_final_modules" };
        return keys[k];
}

/* cloud-init's modules (cc_NAME, 22.4 to 25.x and a few older names that
 * images still list), so that a list naming one cloudboot lacks is not taken
 * for a typo. */
/* clang-format off */
static const char *const cloud_init_names[] = {
        "ansible", "apk_configure", "apt_configure", "apt_pipelining", "bootcmd", "byobu",
        "ca_certs", "chef", "debug", "disable_ec2_metadata", "disk_setup", "emit_upstart", "fan",
        "final_message", "foo", "growpart", "grub_dpkg", "install_hotplug", "keyboard",
        "keys_to_console", "landscape", "locale", "lxd", "mcollective", "migrator", "mounts",
        "ntp", "package_update_upgrade_install", "phone_home", "power_state_change", "puppet",
        "raspberry_pi", "refresh_rmc_and_interface", "reset_rmc", "resizefs", "resolv_conf",
        "rh_subscription", "rightscale_userdata", "rsyslog", "runcmd", "salt_minion",
        "scripts_per_boot", "scripts_per_instance", "scripts_per_once", "scripts_user",
        "scripts_vendor", "seed_random", "set_hostname", "set_passwords", "snap", "snap_config",
        "snappy", "spacewalk", "ssh", "ssh_authkey_fingerprints", "ssh_import_id", "timezone",
        "ubuntu_advantage", "ubuntu_autoinstall", "ubuntu_drivers", "ubuntu_pro",
        "update_etc_hosts", "update_hostname", "users_groups", "vyos", "wireguard",
        "write_files", "write_files_deferred", "yum_add_repo", "zypper_add_repo", NULL,
};
/* clang-format on */

bool module_is_cloud_init_name(const char *name)
{
        return list_has(cloud_init_names, name);
}

/* Of the modules above that are not built in (cloudboot's external ones,
 * loaded only for their keys), those cloud-init runs with no key set: their
 * meta has no activate_by_schema_keys, so cloud-init marks them as run. */
static const char *const cloud_init_keyless[] = { "byobu", NULL };

bool module_runs_without_keys(const char *name)
{
        return list_has(cloud_init_keyless, name);
}

bool module_name_valid(const char *name)
{
        size_t n = strlen(name);

        if (n == 0 || n > 64 || name[0] < 'a' || name[0] > 'z')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
                      name[i] == '_'))
                        return false;
        return true;
}
