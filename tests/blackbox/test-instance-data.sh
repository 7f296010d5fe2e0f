#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# instance-data as cloud-init 25.1 writes it (issue 19 §3), secrets only in
# the 0600 file (issue 17 §3): `query --list-keys` gives cloud-init's keys,
# root reads the sensitive file and a user the public one.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

mkdir -p "$R/etc/cloud"
printf 'ssh_genkeytypes: []\n' >"$R/etc/cloud/cloud.cfg"
printf 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n' >"$R/etc/os-release"
seed "instance-id: iid-idata
local-hostname: idata
admin_pass: idata-admin-secret
meta: {password: idata-meta-secret, role: web}
" "#cloud-config
final_message: done
"
boot
expect_mode /run/cloud-init/instance-data.json 644
expect_mode /run/cloud-init/instance-data-sensitive.json 600
grep -q idata-admin-secret "$R/run/cloud-init/instance-data.json" && fail "admin_pass is in the public instance-data"
grep -q idata-meta-secret "$R/run/cloud-init/instance-data.json" && fail "meta.password is in the public instance-data"
grep -q idata-meta-secret "$R/run/cloud-init/instance-data-sensitive.json" || fail "the sensitive file lost meta.password"
grep -qs -- "-secret" "$R/var/log/cloud-init.log" "$R/var/lib/cloud/data/status.json" &&
	fail "a secret is in the log or status.json"

# the keys of `cloud-init query --list-keys` (25.1, NoCloud, after init: the
# sensitive file then has system_info; cloud-init's "features" is not written)
want="_beta_keys availability-zone availability_zone base64_encoded_keys cloud-name cloud_id \
cloud_name combined_cloud_config distro distro_release distro_version ds instance-id instance_id \
kernel_release local-hostname local_hostname machine merged_cfg merged_system_cfg platform \
public_ssh_keys python_version region sensitive_keys subplatform sys_info system_info \
system_platform userdata v1 variant vendordata"
got=$(cb query --list-keys | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || fail "query --list-keys gives '$got'"
[ "$(cb query v1.cloud_name)" = unknown ] || fail "cloud_name on NoCloud: $(cb query v1.cloud_name)"
[ "$(cb query cloud_id)" = nocloud ] || fail "cloud_id on NoCloud: $(cb query cloud_id)"
[ "$(cb query v1.distro_release)" = trixie ] || fail "distro_release: $(cb query v1.distro_release)"
[ "$(cb query ds.meta_data.meta.password)" = idata-meta-secret ] || fail "root does not read the sensitive file"
[ "$(cb query combined_cloud_config.final_message)" = done ] || fail "combined_cloud_config for root"
pass "instance-data: cloud-init's keys, query --list-keys as cloud-init's, root reads the secrets"

# combined-cloud-config.json, as cloud-init 25.1 writes it after init: the
# merged configuration, root only, system_info apart and in the sensitive file
expect_mode /run/cloud-init/combined-cloud-config.json 600
grep -q '"final_message": "done"' "$R/run/cloud-init/combined-cloud-config.json" ||
	fail "combined-cloud-config.json lacks the user's final_message"
grep -q '"_doc": "Aggregated cloud-config' "$R/run/cloud-init/combined-cloud-config.json" ||
	fail "combined-cloud-config.json lacks its _doc"
grep -q '"system_info": {' "$R/run/cloud-init/combined-cloud-config.json" ||
	fail "combined-cloud-config.json lacks system_info"
grep -q '"system_info"' "$R/run/cloud-init/instance-data.json" && fail "system_info in the public instance-data"
grep -q '"system_info": {' "$R/run/cloud-init/instance-data-sensitive.json" ||
	fail "the sensitive instance-data lacks system_info"
pass "combined-cloud-config.json and the sensitive system_info, as cloud-init writes them"

if command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$R" "$R/run" "$R/run/cloud-init"
	user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$CLOUDBOOT" --root "$R" "$@"; }
	[ "$(user query ds.meta_data.meta.password)" = "redacted for non-root user" ] ||
		fail "a user reads meta.password: $(user query ds.meta_data.meta.password 2>&1)"
	[ "$(user query ds.meta_data.meta.role)" = web ] || fail "a user cannot read meta.role"
	user query --all >"$OUT" 2>&1 || fail "query --all as a user"
	grep -q idata-admin-secret "$OUT" && fail "query --all shows a user admin_pass"
	grep -q '"userdata": "<redacted for non-root user> file:/var/lib/cloud/instance/user-data.txt"' "$OUT" ||
		fail "query --all shows a user the user-data"
	pass "a user reads the public file: secrets redacted"
fi
