/* SPDX-License-Identifier: Apache-2.0 */
/* The cloud datasources (the ones that read a cloud's metadata service, or
 * LXD's socket, VMware's guestinfo and OpenNebula's context) live in a
 * shared object of their own, cloudboot-clouds.so, that the binary loads
 * with dlopen when datasource_list first asks it to probe one of them. A
 * machine booted from a NoCloud seed, and every provisioned boot, never maps
 * it; each cloud added does not grow the program every stage execs.
 *
 * The binary keeps what it needs to decide without the code: each one's
 * name, whether it is local, the cloud its DMI identity names and the
 * ephemeral network it wants (datasource.c). The object gives the probes and
 * the ephemeral network; it calls back into the binary for everything else
 * (the binary exports those symbols: Makefile.am, clouds.dynlist). */
#pragma once

#include <stddef.h>

#include "datasource.h"
#include "ephemeral.h"

#define CLOUDS_SO "cloudboot-clouds.so"
#define CLOUDS_SYMBOL "cloudboot_clouds"

struct clouds_plugin {
        /* what the object was built with: the binary refuses another
         * build's, whose structures may be laid out differently */
        const char *version;
        size_t ctx_size, result_size, ephemeral_size;
        const struct datasource *const *list;
        size_t n;
        int (*ephemeral_up)(int root_fd, enum ds_ephemeral mode, struct ephemeral *ret);
        void (*ephemeral_down)(struct ephemeral *e);
};

/* The object's one entry point (clouds.c, in the object only). */
extern const struct clouds_plugin cloudboot_clouds;

/* Binary side (clouds_load.c): the object, loaded once per process from the
 * binary's own directory (a build tree) or PKGLIBDIR, or NULL when it is
 * missing, not root's, writable by others, or of another build (said once,
 * as a warning). */
const struct clouds_plugin *clouds_load(void);
/* The object's descriptor of the datasource named name, or NULL. */
const struct datasource *clouds_datasource(const char *name);

extern const struct datasource ds_azure;
extern const struct datasource ds_gce;
extern const struct datasource ds_openstack;
extern const struct datasource ds_ec2;
extern const struct datasource ds_digitalocean;
extern const struct datasource ds_hetzner;
extern const struct datasource ds_oracle;
extern const struct datasource ds_vultr;
extern const struct datasource ds_scaleway;
extern const struct datasource ds_akamai;
extern const struct datasource ds_upcloud;
extern const struct datasource ds_aliyun;
extern const struct datasource ds_exoscale;
extern const struct datasource ds_cloudstack;
extern const struct datasource ds_vmware;
extern const struct datasource ds_opennebula;
extern const struct datasource ds_lxd;
