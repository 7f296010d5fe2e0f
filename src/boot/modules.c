/* SPDX-License-Identifier: Apache-2.0 */
/* The module registry and cloud-init's module lists per stage (Debian's
 * cloud.cfg of 26.x). A name with no descriptor here is a module cloudboot
 * does not have yet: the stage runner reports its keys as not applied. */
#include <string.h>

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
        "machine_id",
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

const struct module *module_find(const char *name)
{
        for (const struct module *const *m = all; *m; m++)
                if (streq((*m)->name, name))
                        return *m;
        return NULL;
}

const struct module *const *module_all(void)
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
        if (streq(s, "always"))
                *ret = FREQ_ALWAYS;
        else if (streq(s, "once"))
                *ret = FREQ_ONCE;
        else if (streq(s, "instance") || streq(s, "once-per-instance"))
                *ret = FREQ_INSTANCE;
        else
                return -EINVAL;
        return 0;
}
