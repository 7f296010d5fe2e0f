/* SPDX-License-Identifier: Apache-2.0 */
/* Azure's ovf-env.xml, on the provisioning ISO (or in the seed directory
 * /var/lib/cloud/seed/azure): the LinuxProvisioningConfigurationSet's host
 * name (required), user name, password, whether SSH password logins are
 * disabled, SSH public keys and base64 custom data, and the platform
 * settings, read as cloud-init's OvfEnvXml does: each element at most once,
 * in the windowsazure namespace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "azure_xml.h"
#include "node.h"

#define AZURE_NS "http://schemas.microsoft.com/windowsazure"
#define AZURE_OVF_KEYS_MAX 64
#define AZURE_PASSWORD_MAX 72 /* cloud-init's MAX_PASSWORD_LENGTH */

struct azure_ovf {
        char *hostname, *username;
        char *password; /* plain text, a secret: wiped when freed, never logged */
        char *custom_data; /* decoded */
        size_t custom_data_len;
        int disable_ssh_pwauth; /* -1: not given */
        char *keys[AZURE_OVF_KEYS_MAX]; /* PublicKey Values that are keys */
        size_t nkeys;
        bool preprovisioned;
};

void azure_ovf_done(struct azure_ovf *o);

/* Parse ovf-env.xml (len bytes; custom data decoded up to ud_max bytes).
 * -ENOENT: an ovf-env.xml that is not Azure's (no ProvisioningSection);
 * -EBADMSG: not well-formed or invalid, with *ret_why saying why ("line:col:
 * ..." when it has a position); -ENOPKG: no libexpat. */
int azure_ovf_parse(const char *data, size_t len, size_t ud_max, struct azure_ovf *ret,
                    char *ret_why, size_t why_size);

/* What cloud-init makes of it as the datasource's configuration:
 * system_info.default_user {name, lock_passwd: false, hashed_passwd (the
 * password hashed with SHA-512 crypt)} and ssh_pwauth. A #cloud-config
 * document in *ret (NULL when there is nothing to say). */
int azure_ovf_config(const struct azure_ovf *o, char **ret, size_t *ret_len);
