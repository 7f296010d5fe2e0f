/* SPDX-License-Identifier: Apache-2.0 */
/* The cloud-config as a whole against the module registry: each top-level key
 * is checked with the schema of the module that owns it, and a key of a module
 * cloudboot lacks is named with that module (see config_schema.h). */
#include <string.h>

#include "config_schema.h"
#include "module.h"

/* Every top-level key cloud-init's schema knows (v1, 26.2), with its owner, so
 * a key of a module cloudboot lacks is named as such rather than "unknown".
 * "base" keys belong to the configuration itself, not to a module. */
static const struct {
        const char *key;
        const char *owner;
} known_keys[] = {
        { "allow_public_ssh_keys", "cc_ssh" },
        { "ansible", "cc_ansible" },
        { "apk_repos", "cc_apk_configure" },
        { "apt", "cc_apt_configure" },
        { "apt_pipelining", "cc_apt_pipelining" },
        { "apt_reboot_if_required", "cc_package_update_upgrade_install" },
        { "apt_update", "cc_package_update_upgrade_install" },
        { "apt_upgrade", "cc_package_update_upgrade_install" },
        { "authkey_hash", "cc_ssh_authkey_fingerprints" },
        { "autoinstall", "cc_ubuntu_autoinstall" },
        { "bootcmd", "cc_bootcmd" },
        { "byobu_by_default", "cc_byobu" },
        { "ca-certs", "cc_ca_certs" },
        { "ca_certs", "cc_ca_certs" },
        { "chef", "cc_chef" },
        { "chpasswd", "cc_set_passwords" },
        { "cloud_config_modules", "base" },
        { "cloud_final_modules", "base" },
        { "cloud_init_modules", "base" },
        { "create_hostname_file", "cc_set_hostname" },
        { "device_aliases", "cc_disk_setup" },
        { "disable_ec2_metadata", "cc_disable_ec2_metadata" },
        { "disable_root", "cc_ssh" },
        { "disable_root_opts", "cc_ssh" },
        { "disk_setup", "cc_disk_setup" },
        { "drivers", "cc_ubuntu_drivers" },
        { "fan", "cc_fan" },
        { "final_message", "cc_final_message" },
        { "fqdn", "cc_set_hostname" },
        { "fs_setup", "cc_disk_setup" },
        { "groups", "cc_users_groups" },
        { "growpart", "cc_growpart" },
        { "grub-dpkg", "cc_grub_dpkg" },
        { "grub_dpkg", "cc_grub_dpkg" },
        { "hostname", "cc_set_hostname" },
        { "keyboard", "cc_keyboard" },
        { "landscape", "cc_landscape" },
        { "launch-index", "base" },
        { "locale", "cc_locale" },
        { "locale_configfile", "cc_locale" },
        { "lxd", "cc_lxd" },
        { "manage_etc_hosts", "cc_update_etc_hosts" },
        { "manage_resolv_conf", "cc_resolv_conf" },
        { "mcollective", "cc_mcollective" },
        { "merge_how", "base" },
        { "merge_type", "base" },
        { "migrate", "base" },
        { "mount_default_fields", "cc_mounts" },
        { "mounts", "cc_mounts" },
        { "no_ssh_fingerprints", "cc_ssh_authkey_fingerprints" },
        { "ntp", "cc_ntp" },
        { "output", "base" },
        { "package_reboot_if_required", "cc_package_update_upgrade_install" },
        { "package_update", "cc_package_update_upgrade_install" },
        { "package_upgrade", "cc_package_update_upgrade_install" },
        { "packages", "cc_package_update_upgrade_install" },
        { "password", "cc_set_passwords" },
        { "phone_home", "cc_phone_home" },
        { "power_state", "cc_power_state_change" },
        { "prefer_fqdn_over_hostname", "cc_set_hostname" },
        { "preserve_hostname", "cc_set_hostname" },
        { "puppet", "cc_puppet" },
        { "random_seed", "cc_seed_random" },
        { "reporting", "base" },
        { "resize_rootfs", "cc_resizefs" },
        { "resolv_conf", "cc_resolv_conf" },
        { "rh_subscription", "cc_rh_subscription" },
        { "rpi", "cc_raspberry_pi" },
        { "rsyslog", "cc_rsyslog" },
        { "runcmd", "cc_runcmd" },
        { "salt_minion", "cc_salt_minion" },
        { "snap", "cc_snap" },
        { "spacewalk", "cc_spacewalk" },
        { "ssh", "cc_keys_to_console" },
        { "ssh_authorized_keys", "cc_ssh" },
        { "ssh_deletekeys", "cc_ssh" },
        { "ssh_fp_console_blacklist", "cc_keys_to_console" },
        { "ssh_genkeytypes", "cc_ssh" },
        { "ssh_import_id", "cc_ssh_import_id" },
        { "ssh_key_console_blacklist", "cc_keys_to_console" },
        { "ssh_keys", "cc_ssh" },
        { "ssh_publish_hostkeys", "cc_ssh" },
        { "ssh_pwauth", "cc_set_passwords" },
        { "ssh_quiet_keygen", "cc_ssh" },
        { "swap", "cc_mounts" },
        { "system_info", "base" },
        { "timezone", "cc_timezone" },
        { "ubuntu_advantage", "cc_ubuntu_pro" },
        { "ubuntu_pro", "cc_ubuntu_pro" },
        { "updates", "cc_install_hotplug" },
        { "user", "cc_users_groups" },
        { "users", "cc_users_groups" },
        { "vendor_data", "cc_scripts_vendor" },
        { "version", "base" },
        { "wireguard", "cc_wireguard" },
        { "write_files", "cc_write_files" },
        { "yum_repo_dir", "cc_yum_add_repo" },
        { "yum_repos", "cc_yum_add_repo" },
        { "zypper", "cc_zypper_add_repo" },
};

const char *schema_key_owner(const char *key)
{
        for (size_t i = 0; i < ELEMENTSOF(known_keys); i++)
                if (streq(known_keys[i].key, key))
                        return known_keys[i].owner;
        return NULL;
}

const char *schema_module_key_in(const char *cc_module, const struct node *cfg)
{
        for (size_t i = 0; i < ELEMENTSOF(known_keys); i++)
                if (streq(known_keys[i].owner, cc_module) && node_get_key(cfg, known_keys[i].key))
                        return known_keys[i].key;
        return NULL;
}

static const struct schema_prop *find_prop(const char *key)
{
        for (const struct module *const *m = module_all(); *m; m++)
                for (const struct schema_prop *p = (*m)->keys; p && p->name; p++)
                        if (streq(p->name, key))
                                return p;
        return NULL;
}

void schema_validate_config(struct node *cfg, struct schema_report *rep)
{
        size_t j = 0;

        if (cfg->type != NODE_MAP) {
                if (cfg->type != NODE_NULL)
                        schema_report_at(rep, SCHEMA_ERROR, cfg,
                                         "cloud-config must be a mapping, got %s",
                                         node_type_name(cfg->type));
                return;
        }
        for (size_t i = 0; i + 1 < cfg->n; i += 2) {
                struct node *k = cfg->items[i], *v = cfg->items[i + 1];
                const struct schema_prop *p = k->type == NODE_STR ? find_prop(k->str) : NULL;
                const char *owner = k->type == NODE_STR ? schema_key_owner(k->str) : NULL;
                bool keep = true;

                if (k->type != NODE_STR) {
                        schema_report_at(rep, SCHEMA_ERROR, k,
                                         "top-level key '%.64s' must be a string",
                                         k->str ? k->str : "?");
                        keep = false;
                } else if (p) {
                        keep = !p->schema || schema_check(p->schema, v, k->str, rep);
                } else if (!owner) {
                        schema_report_at(rep, SCHEMA_ERROR, k, "unknown key '%.64s'", k->str);
                } else if (!streq(owner, "base")) {
                        schema_report_at(
                                rep, SCHEMA_NOTE, k,
                                "'%s' belongs to module %s, which cloudboot does not support",
                                k->str, owner);
                }
                if (keep) {
                        cfg->items[j++] = k;
                        cfg->items[j++] = v;
                } else {
                        node_free(k);
                        node_free(v);
                }
        }
        cfg->n = j;
}
