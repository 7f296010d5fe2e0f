#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A first boot from a seed directory: hostname, files, state, status 0.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

seed "instance-id: iid-bb-1
local-hostname: md-name
" "#cloud-config
hostname: test-system
fqdn: test-system.example.com
write_files:
  - path: /etc/motd
    content: |
      hello
  - path: /etc/secret/token
    content: czNjcjN0LW1hcmtlcg==
    encoding: b64
    permissions: '0600'
  - path: /etc/late.conf
    content: late
    defer: true
"
boot

expect_file /etc/hostname test-system
expect_file /etc/motd hello
expect_mode /etc/motd 644
expect_file /etc/secret/token s3cr3t-marker
expect_mode /etc/secret/token 600
expect_file /etc/late.conf late
expect_file /var/lib/cloud/data/instance-id iid-bb-1
# init records again the instance init-local found, as cloud-init does: on a
# first boot previous-instance-id ends holding the current id
expect_file /var/lib/cloud/data/previous-instance-id iid-bb-1
expect_file /var/lib/cloud/data/set-hostname '{"hostname":"test-system","fqdn":"test-system.example.com"}'
[ "$(readlink "$R/var/lib/cloud/instance")" = /var/lib/cloud/instances/iid-bb-1 ] || fail "instance link"
expect_mode /var/lib/cloud/instances/iid-bb-1/user-data.txt 600
# no vendor-data: cloud-init runs no handler on it, so no vendor-cloud-config.txt
expect_absent /var/lib/cloud/instances/iid-bb-1/vendor-cloud-config.txt
expect_mode /var/lib/cloud/instances/iid-bb-1/cloud-config.txt 600
expect_mode /run/cloud-init/instance-data-sensitive.json 600
expect_mode /run/cloud-init/instance-data.json 644
expect_mode /var/log/cloud-init.log 640
expect_mode /var/log/cloud-init-output.log 640
# syslog_fix_perms' built-in list: no syslog user here, so root:adm (the
# group the default user's groups brought: this tree had none)
adm=$(sed -n 's/^adm:[^:]*:\([0-9]*\):.*/\1/p' "$R/etc/group")
[ -n "$adm" ] || fail "no adm group was made"
expect_owner /var/log/cloud-init.log "0:$adm"
expect_owner /var/log/cloud-init-output.log "0:$adm"
[ -s "$R/var/lib/cloud/instances/iid-bb-1/boot-finished" ] || fail "boot-finished missing"
for m in set_hostname write_files write_files_deferred; do
	[ -f "$R/var/lib/cloud/instances/iid-bb-1/sem/config_$m" ] || fail "no semaphore for $m"
done
expect_absent /var/lib/cloud/instances/iid-bb-1/sem/config_update_hostname
grep -q '"init-local"' "$R/run/cloud-init/status.json" || fail "status.json has no init-local"
grep -q '"errors": \[\]' "$R/run/cloud-init/result.json" || fail "result.json has errors"
expect_status 0
cb status --long >"$OUT" 2>&1 || fail "status --long"
expect_output_has "status: done"
expect_output_has "detail: DataSourceNoCloud [seed=/var/lib/cloud/seed/nocloud]"
# no secret ever reaches the logs
for f in "$R"/var/log/cloud-init.log "$R"/var/log/cloud-init-output.log "$R"/run/cloud-init/instance-data.json "$OUT"; do
	! grep -q s3cr3t-marker "$f" || fail "secret file content found in $f"
done
# a temp root has no DMI: no hypervisor detected
[ "$(cb query _cloudboot.hypervisor)" = none ] || fail "_cloudboot.hypervisor: $(cb query _cloudboot.hypervisor)"
pass "first boot"

# A new instance on a root whose DMI says Xen HVM: the platform is recorded and
# the machine is still provisioned.
mkdir -p "$R/sys/class/dmi/id"
echo Xen >"$R/sys/class/dmi/id/sys_vendor"
echo "HVM domU" >"$R/sys/class/dmi/id/product_name"
seed "instance-id: iid-bb-xen
" "#cloud-config
hostname: xen-guest
"
boot
expect_file /etc/hostname xen-guest
[ "$(cb query _cloudboot.hypervisor)" = xen ] || fail "_cloudboot.hypervisor on Xen: $(cb query _cloudboot.hypervisor)"
grep -q '"hypervisor": "xen"' "$R/run/cloud-init/instance-data.json" || fail "instance-data.json has no hypervisor"
pass "hypervisor recorded"
