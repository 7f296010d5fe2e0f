/* SPDX-License-Identifier: Apache-2.0 */
/* The cloud-config as a whole against the module registry (see
 * config_schema.h). The registry (module_all()) is the one source of the keys
 * cloudboot implements and of their schemas; this file holds only data about
 * what cloudboot does not do: cloud-init's keys that no module here reads,
 * with the cloud-init module that would, and those modules' distros. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_schema.h"
#include "external.h"
#include "log.h"
#include "module.h"
#include "runner.h"

/* Keys of cloud-init's schema (v1, 25.x) whose module cloudboot does not
 * implement, sorted by key (bsearch), module names without cc_. */
struct unimpl {
        const char *key;
        const char *module;
};
static const struct unimpl not_implemented[] = {
        { "ansible", "ansible" },
        { "autoinstall", "ubuntu_autoinstall" },
        { "byobu_by_default", "byobu" },
        { "chef", "chef" },
        { "drivers", "ubuntu_drivers" },
        { "fan", "fan" },
        { "landscape", "landscape" },
        { "lxd", "lxd" },
        { "mcollective", "mcollective" },
        { "puppet", "puppet" },
        { "rh_subscription", "rh_subscription" },
        { "rpi", "raspberry_pi" },
        { "salt_minion", "salt_minion" },
        { "snap", "snap" },
        { "spacewalk", "spacewalk" },
        { "ubuntu_advantage", "ubuntu_pro" },
        { "ubuntu_pro", "ubuntu_pro" },
};

/* The configuration's own keys (cloud-init's base_config and the keys of its
 * schema that no module owns), sorted by key. */
struct base {
        const char *key;
        enum key_fate fate;
};
static const struct base base_keys[] = {
        { "cloud_config_modules", KEY_APPLIED }, /* the module lists */
        { "cloud_final_modules", KEY_APPLIED },
        { "cloud_init_modules", KEY_APPLIED },
        { "launch-index", KEY_BASE_IGNORED },
        { "merge_how", KEY_APPLIED }, /* taken by the user-data merge */
        { "merge_type", KEY_APPLIED },
        { "migrate", KEY_NO_EFFECT }, /* cloud-init's migrator module is gone */
        { "output", KEY_BASE_IGNORED },
        { "reporting", KEY_BASE_IGNORED },
        { "system_info", KEY_APPLIED },
        { "vendor_data", KEY_APPLIED }, /* read by the pipeline and scripts_vendor */
        { "version", KEY_NO_EFFECT },
};

/* cloud-init's module metadata `distros` for modules that do not run on all
 * distros, sorted by module (25.x; computed lists that hold Debian, as for
 * ca_certs, keyboard and ntp, count as all). */
struct distros {
        const char *module;
        const char *distros; /* space-separated */
};
static const struct distros module_distros[] = {
        { "apk_configure", "alpine" },
        { "apt_configure", "ubuntu debian raspberry-pi-os" },
        { "apt_pipelining", "ubuntu debian raspberry-pi-os" },
        { "byobu", "ubuntu debian raspberry-pi-os" },
        { "fan", "ubuntu" },
        { "grub_dpkg", "ubuntu debian" },
        { "landscape", "ubuntu" },
        { "lxd", "ubuntu" },
        { "raspberry_pi", "raspberry-pi-os" },
        { "resolv_conf", "alpine azurelinux fedora mariner opensuse opensuse-leap opensuse-microos "
                         "opensuse-tumbleweed photon rhel sle_hpc sle-micro sles openeuler" },
        { "rh_subscription", "fedora rhel openeuler" },
        { "snap", "ubuntu" },
        { "spacewalk", "rhel fedora openeuler" },
        { "ssh_import_id", "alpine cos debian raspberry-pi-os ubuntu" },
        { "ubuntu_autoinstall", "ubuntu" },
        { "ubuntu_drivers", "ubuntu" },
        { "ubuntu_pro", "ubuntu" },
        { "wireguard", "ubuntu" },
        { "yum_add_repo", "almalinux amazon azurelinux centos cloudlinux eurolinux fedora mariner "
                          "openeuler OpenCloudOS openmandriva photon rhel rocky TencentOS "
                          "virtuozzo" },
        { "zypper_add_repo", "opensuse opensuse-microos opensuse-tumbleweed opensuse-leap sle_hpc "
                             "sle-micro sles" },
};

/* The registry's keys, sorted once: key -> first module that reads it. */
struct owned {
        const char *key;
        const struct module *module;
        uint64_t head; /* key_head(key) */
};
#define OWNED_MAX 1024
static struct owned owned[OWNED_MAX];
static size_t n_owned;
static bool owned_overflow;

/* The first 8 bytes of s, NUL-padded, as one number that orders as strcmp()
 * orders them: every stage sorts the registry's keys and looks some up, and
 * most pairs differ within 8 bytes. */
static uint64_t key_head(const char *s)
{
        uint64_t h = 0;
        int i = 0;

        for (; i < 8 && s[i]; i++)
                h = h << 8 | (unsigned char)s[i];
        return i ? h << (8 * (8 - i)) : 0;
}

static int cmp_owned(const void *a, const void *b)
{
        const struct owned *x = a, *y = b;

        if (x->head != y->head)
                return x->head < y->head ? -1 : 1;
        return strcmp(x->key, y->key);
}

static void owned_index(void)
{
        /* built for the registry as it is: external modules loaded later
         * (runner_load_modules) bring keys of their own */
        static const void *built_for;
        const void *now = external_registry();

        if ((n_owned || owned_overflow) && built_for == now)
                return;
        n_owned = 0;
        owned_overflow = false;
        built_for = now;
        for (const struct module *const *m = module_all(); *m; m++)
                for (const struct schema_prop *p = (*m)->keys; p && p->name; p++) {
                        if (n_owned == OWNED_MAX) {
                                owned_overflow = true; /* schema_tables_check() says so */
                                break;
                        }
                        owned[n_owned++] = (struct owned){ p->name, *m, key_head(p->name) };
                }
        /* stable for equal keys: the first module in the registry stays
         * first. Each key goes after the sorted ones not greater than it,
         * found by bisection, the rest moved up at once. */
        for (size_t i = 1; i < n_owned; i++) {
                struct owned t = owned[i];
                size_t lo = 0, hi = i;

                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;
                        if (cmp_owned(&owned[mid], &t) <= 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                memmove(&owned[lo + 1], &owned[lo], (i - lo) * sizeof(owned[0]));
                owned[lo] = t;
        }
}

/* The first module of the registry that reads key: bsearch() lands on any
 * of several equal entries, so step back to the first of them (the order of
 * equal keys is the registry's). */
static const struct owned *find_owned(const char *key)
{
        struct owned k = { .key = key, .head = key_head(key) };
        const struct owned *o;

        owned_index();
        o = bsearch(&k, owned, n_owned, sizeof(owned[0]), cmp_owned);
        while (o && o > owned && streq(o[-1].key, key))
                o--;
        return o;
}

static const struct schema_prop *find_prop(const char *key)
{
        const struct owned *o = find_owned(key);

        if (!o)
                return NULL;
        for (const struct schema_prop *p = o->module->keys; p && p->name; p++)
                if (streq(p->name, key))
                        return p;
        return NULL;
}

static int cmp_key(const void *key, const void *entry)
{
        /* every table starts with its key string */
        return strcmp(key, *(const char *const *)entry);
}

static const struct unimpl *find_unimpl(const char *key)
{
        return bsearch(key, not_implemented, ELEMENTSOF(not_implemented),
                       sizeof(not_implemented[0]), cmp_key);
}

static const struct base *find_base(const char *key)
{
        return bsearch(key, base_keys, ELEMENTSOF(base_keys), sizeof(base_keys[0]), cmp_key);
}

static const char *find_distros(const char *module)
{
        const struct distros *d = bsearch(module, module_distros, ELEMENTSOF(module_distros),
                                          sizeof(module_distros[0]), cmp_key);
        return d ? d->distros : NULL;
}

const char *schema_key_module(const char *key)
{
        const struct owned *o = find_owned(key);
        const struct unimpl *u = o ? NULL : find_unimpl(key);

        return o ? o->module->name : u ? u->module : NULL;
}

const char *schema_key_owner(const char *key)
{
        static char cc[96];
        const struct owned *o = find_owned(key);
        const struct unimpl *u = o ? NULL : find_unimpl(key);

        if (!o && !u)
                return find_base(key) ? "base" : NULL;
        (void)snprintf(cc, sizeof(cc), "cc_%s", o ? o->module->name : u->module);
        return cc;
}

/* The stage whose module list holds module, as this boot's lists say. The
 * registry helper replaces module_stage_list() with the lists of cloud.cfg. */
/* The stage whose list (cloud.cfg's, or the user's) names the module. */
static bool listed(const struct node *cfg, const char *module, enum stage_kind *ret)
{
        for (int s = STAGE_INIT; s <= STAGE_FINAL; s++) {
                struct runner_iter it;
                struct runner_entry e;

                runner_iter_init(&it, cfg, (enum stage_kind)s, /* report= */ false);
                while (runner_iter_next(&it, &e))
                        if (streq(e.name, module)) {
                                *ret = (enum stage_kind)s;
                                return true;
                        }
        }
        return false;
}

static bool distro_in(const char *distros, const char *distro)
{
        size_t len = strlen(distro);

        for (const char *p = distros; *p;) {
                size_t l = strcspn(p, " ");
                if (l == len && strncmp(p, distro, len) == 0)
                        return true;
                p += l;
                p += strspn(p, " ");
        }
        return false;
}

static const char *distro_of(const struct node *cfg)
{
        const char *d = node_str(node_get_path(cfg, "system_info.distro"));
        return d && *d ? d : "debian";
}

const char *schema_distro(const struct node *cfg)
{
        return distro_of(cfg);
}

/* cloud-init's unverified_modules: names (as the lists give them) of modules
 * that run on a distro their metadata does not name. */
static bool unverified(const struct node *cfg, const char *module)
{
        const struct node *u = node_get(cfg, "unverified_modules");

        for (size_t i = 0; u && u->type == NODE_SEQ && i < u->n; i++) {
                const char *s = node_str(u->items[i]);
                if (s && (streq(s, module) || (startswith(s, "cc_") && streq(s + 3, module))))
                        return true;
        }
        return false;
}

bool schema_module_unverified(const struct node *cfg, const char *module)
{
        const char *distros = find_distros(module);

        return distros && !distro_in(distros, distro_of(cfg)) && unverified(cfg, module);
}

const char *schema_module_not_for_distro(const struct node *cfg, const char *module)
{
        const char *distros = find_distros(module);

        if (!distros || distro_in(distros, distro_of(cfg)) || unverified(cfg, module))
                return NULL;
        return distros;
}

void schema_key_verdict(const struct node *cfg, const char *key, struct key_verdict *ret)
{
        const struct owned *o = find_owned(key);
        const struct unimpl *u = o ? NULL : find_unimpl(key);
        const struct base *b = o || u ? NULL : find_base(key);
        const char *distros;
        enum stage_kind stage;

        *ret = (struct key_verdict){ .fate = KEY_APPLIED, .stage = STAGE_INIT };
        if (b) {
                ret->fate = b->fate;
                return;
        }
        if (!o && !u) {
                ret->fate = KEY_UNKNOWN;
                return;
        }
        ret->module = o ? o->module->name : u->module;
        /* another module of the registry may read it from its own list */
        if (o) {
                size_t i = (size_t)(o - owned);
                while (i > 0 && streq(owned[i - 1].key, key))
                        i--;
                for (; i < n_owned && streq(owned[i].key, key); i++)
                        if (listed(cfg, owned[i].module->name, &ret->stage)) {
                                /* implemented or not, cloud-init's module
                                 * metadata decides where it runs */
                                ret->module = owned[i].module->name;
                                ret->distros = schema_module_not_for_distro(cfg, ret->module);
                                if (ret->distros)
                                        ret->fate = KEY_NOT_FOR_DISTRO;
                                return;
                        }
                ret->fate = KEY_NOT_LISTED;
                ret->stage = STAGE_INIT;
                ret->distros = schema_module_not_for_distro(cfg, ret->module);
                if (ret->distros)
                        ret->fate = KEY_NOT_FOR_DISTRO;
                return;
        }
        distros = find_distros(u->module);
        if (!listed(cfg, u->module, &stage)) {
                ret->fate = KEY_NOT_LISTED;
        } else {
                ret->stage = stage;
                ret->fate = KEY_NOT_IMPLEMENTED;
        }
        if (distros && schema_module_not_for_distro(cfg, u->module)) {
                ret->fate = KEY_NOT_FOR_DISTRO;
                ret->distros = distros;
        }
}

/* The one line that says why key is not applied; "" when it is. */
static void verdict_text(const struct key_verdict *v, const char *key, const char *distro,
                         char *buf, size_t size)
{
        switch (v->fate) {
        case KEY_NOT_IMPLEMENTED:
                (void)snprintf(buf, size,
                               "'%.64s' needs module %s, which this cloudboot does not "
                               "implement; not applied",
                               key, v->module);
                break;
        case KEY_BASE_IGNORED:
                (void)snprintf(buf, size,
                               "'%.64s' is a setting of cloud-init itself that cloudboot does not "
                               "honour; not applied",
                               key);
                break;
        case KEY_UNKNOWN:
                (void)snprintf(buf, size,
                               "unknown key '%.64s': no cloud-init module reads it; not applied",
                               key);
                break;
        case KEY_NOT_LISTED:
                (void)snprintf(buf, size,
                               "'%.64s' is for module %s, which is not in this boot's module "
                               "lists; not applied",
                               key, v->module);
                break;
        case KEY_NOT_FOR_DISTRO:
                (void)snprintf(buf, size,
                               "'%.64s' is for module %s, which cloud-init runs only on %s, not "
                               "on %s; not applied",
                               key, v->module, v->distros, distro);
                break;
        case KEY_NO_EFFECT:
                (void)snprintf(buf, size,
                               "'%.64s' has no effect: cloud-init has no module that reads it",
                               key);
                break;
        default:
                buf[0] = '\0';
        }
}

static bool is_warning(enum key_fate f)
{
        return f == KEY_NOT_IMPLEMENTED || f == KEY_BASE_IGNORED || f == KEY_UNKNOWN;
}

/* System configuration is cloudboot's own input, not the user's cloud-config:
 * its keys are settings of the pipeline, not requests to a module. */
static bool from_system_config(const struct node *k)
{
        return k->file && (startswith(k->file, "/etc/cloud/") || streq(k->file, "<built-in>") ||
                           streq(k->file, "/run/cloud-init/cloud.cfg"));
}

/* Enough lines to see what is wrong; the rest counted in one line. */
#define REPORT_MAX 100

void schema_report_stage(const struct node *cfg, enum stage_kind stage)
{
        const char *distro = distro_of(cfg);
        size_t shown = 0, more = 0;

        if (!cfg || cfg->type != NODE_MAP || stage == STAGE_LOCAL)
                return;
        for (size_t i = 0; i + 1 < cfg->n; i += 2) {
                const struct node *k = cfg->items[i];
                struct key_verdict v;
                char pos[512], msg[512];

                if (!node_str(k) || from_system_config(k))
                        continue;
                schema_key_verdict(cfg, k->str, &v);
                if (v.fate == KEY_APPLIED || v.stage != stage)
                        continue;
                if (shown == REPORT_MAX) {
                        more++;
                        continue;
                }
                shown++;
                schema_pos(k, pos, sizeof(pos));
                verdict_text(&v, k->str, distro, msg, sizeof(msg));
                if (is_warning(v.fate))
                        log_warning("%s: %s", pos, msg);
                else
                        log_info("%s: %s", pos, msg);
        }
        if (more)
                log_warning("%zu more top-level keys are not applied (not listed one by one)",
                            more);
}

static void validate(struct node *cfg, struct schema_report *rep, bool all)
{
        const char *distro = distro_of(cfg);
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
                bool keep = true;

                if (k->type != NODE_STR) {
                        schema_report_at(rep, SCHEMA_ERROR, k,
                                         "top-level key '%.64s' must be a string",
                                         k->str ? k->str : "?");
                        keep = false;
                } else if (p) {
                        keep = !p->schema || schema_check(p->schema, v, k->str, rep);
                }
                if (all && k->type == NODE_STR) {
                        struct key_verdict kv;
                        char msg[512];
                        schema_key_verdict(cfg, k->str, &kv);
                        verdict_text(&kv, k->str, distro, msg, sizeof(msg));
                        if (kv.fate != KEY_APPLIED)
                                schema_report_at(rep,
                                                 kv.fate == KEY_UNKNOWN ? SCHEMA_ERROR
                                                 : is_warning(kv.fate)  ? SCHEMA_WARNING
                                                                        : SCHEMA_NOTE,
                                                 k, "%s", msg);
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

void schema_validate_config(struct node *cfg, struct schema_report *rep)
{
        validate(cfg, rep, false);
}

void schema_validate_config_all(struct node *cfg, struct schema_report *rep)
{
        validate(cfg, rep, true);
}

static int check_sorted(const void *table, size_t n, size_t size, const char **ret_key)
{
        for (size_t i = 1; i < n; i++) {
                const char *a = *(const char *const *)((const char *)table + (i - 1) * size);
                const char *b = *(const char *const *)((const char *)table + i * size);
                if (strcmp(a, b) >= 0) {
                        *ret_key = b;
                        return -EINVAL;
                }
        }
        return 0;
}

int schema_tables_check(const char **ret_key)
{
        int r;

        owned_index();
        if (owned_overflow) {
                *ret_key = "(the registry has more keys than OWNED_MAX)";
                return -E2BIG;
        }
        r = check_sorted(not_implemented, ELEMENTSOF(not_implemented), sizeof(not_implemented[0]),
                         ret_key);
        if (r >= 0)
                r = check_sorted(base_keys, ELEMENTSOF(base_keys), sizeof(base_keys[0]), ret_key);
        if (r >= 0)
                r = check_sorted(module_distros, ELEMENTSOF(module_distros),
                                 sizeof(module_distros[0]), ret_key);
        for (const struct module *const *m = module_all(); r >= 0 && *m; m++)
                for (const struct schema_prop *p = (*m)->keys; p && p->name; p++)
                        if (find_unimpl(p->name) || find_base(p->name)) {
                                *ret_key = p->name;
                                return -EINVAL;
                        }
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(not_implemented); i++)
                if (find_base(not_implemented[i].key) || module_find(not_implemented[i].module)) {
                        *ret_key = not_implemented[i].key;
                        return -EINVAL;
                }
        return r;
}
