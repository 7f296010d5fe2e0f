/* SPDX-License-Identifier: Apache-2.0 */
/* cloudboot-clouds.so's entry point (clouds.h): the cloud datasources and the
 * ephemeral network they are read over. Linked into the object, and into the
 * unit tests and fuzzers, which take it without dlopen. */
#include "clouds.h"

static const struct datasource *const list[] = {
        &ds_azure,  &ds_gce,     &ds_openstack,  &ds_ec2,    &ds_digitalocean, &ds_hetzner,
        &ds_oracle, &ds_vultr,   &ds_scaleway,   &ds_akamai, &ds_upcloud,      &ds_aliyun,
        &ds_exoscale, &ds_cloudstack, &ds_vmware, &ds_opennebula, &ds_lxd,
};

const struct clouds_plugin cloudboot_clouds = {
        .version = PACKAGE_VERSION,
        .ctx_size = sizeof(struct ds_ctx),
        .result_size = sizeof(struct ds_result),
        .ephemeral_size = sizeof(struct ephemeral),
        .list = list,
        .n = ELEMENTSOF(list),
        .ephemeral_up = ephemeral_up,
        .ephemeral_down = ephemeral_down,
};
