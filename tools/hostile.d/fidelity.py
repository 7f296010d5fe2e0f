# SPDX-License-Identifier: Apache-2.0
# Secrets in meta-data stay out of the world-readable instance-data.json
# (issue 17 §3): OpenStack's admin_pass and meta values named like
# passwords, from a NoCloud seed shaped like OpenStack's meta-data and from a
# ConfigDrive seed. The sensitive file (0600) keeps them for root.

PUB = "/run/cloud-init/instance-data.json"
SENS = "/run/cloud-init/instance-data-sensitive.json"
SECRETS = ("hostile-admin-secret", "hostile-meta-secret", "hostile-meta-token")

case("fidelity-secrets-nocloud",
     "OpenStack-shaped meta-data (admin_pass, meta.password, meta.api_token) in a NoCloud seed: "
     "redacted in the public instance-data, kept in the 0600 one",
     CC + SIB,
     setup=["printf 'instance-id: iid-hostile\\nlocal-hostname: hostile\\n"
            "admin_pass: hostile-admin-secret\\n"
            "meta: {password: hostile-meta-secret, api_token: hostile-meta-token, role: web}\\n' "
            ">var/lib/cloud/seed/nocloud/meta-data"],
     modes=[(PUB, "644"), (SENS, "600")],
     lacks=[(PUB, s) for s in SECRETS] + [(PUB, '"role": "redacted')],
     expect_not=SECRETS,
     files=[SIB_FILE])

case("fidelity-secrets-configdrive",
     "a ConfigDrive seed whose meta_data.json holds admin_pass and meta.password: redacted in "
     "the public instance-data, kept in the 0600 one",
     CC + SIB,
     setup=["mkdir -p var/lib/cloud/seed/config_drive/openstack/latest",
            "mv var/lib/cloud/seed/nocloud/user-data "
            "var/lib/cloud/seed/config_drive/openstack/latest/user_data",
            "printf '{\"cloud-init\": \"#!/bin/sh\\\\necho ok > /var/tmp/vendor-ok\\\\n\"}' "
            ">var/lib/cloud/seed/config_drive/openstack/latest/vendor_data.json",
            "printf '{\"uuid\": \"iid-hostile-cd\", \"hostname\": \"hostile\", "
            "\"admin_pass\": \"hostile-admin-secret\", "
            "\"meta\": {\"password\": \"hostile-meta-secret\", \"role\": \"web\"}}' "
            ">var/lib/cloud/seed/config_drive/openstack/latest/meta_data.json",
            "rm -rf var/lib/cloud/seed/nocloud"],
     modes=[(PUB, "644"), (SENS, "600")],
     lacks=[(PUB, s) for s in SECRETS],
     expect=["ConfigDrive"],
     expect_not=SECRETS,
     files=[SIB_FILE])
