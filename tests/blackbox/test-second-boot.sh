#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A second boot of the same instance: per-instance work is not redone, and a
# hostname the admin changed is kept.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

seed "instance-id: iid-bb-2
" "#cloud-config
hostname: first-name
write_files:
  - path: /etc/motd
    content: from-user-data
"
boot
expect_file /etc/motd from-user-data
sem="$R/var/lib/cloud/instances/iid-bb-2/sem/config_write_files"
before=$(cat "$sem")

# The admin edits both files after the first boot.
echo edited >"$R/etc/motd"
echo admin-name >"$R/etc/hostname"
# init-local removes the last boot's boot-finished (cloud-init's
# purge_cache), so what polls it waits for this boot's; the final stage
# writes it again.
bf=/var/lib/cloud/instances/iid-bb-2/boot-finished
[ -s "$R$bf" ] || fail "no boot-finished after the first boot"
cb init --local >>"$OUT" 2>&1 || fail "init-local exited $?"
expect_absent "$bf"
expect_absent /var/lib/cloud/data/result.json
for stage in "init" "modules --mode config" "modules --mode final"; do
	# shellcheck disable=SC2086
	cb $stage >>"$OUT" 2>&1 || fail "cloudboot $stage exited $?"
done
[ -s "$R$bf" ] || fail "the final stage did not write boot-finished again"
expect_file /etc/motd edited
expect_file /etc/hostname admin-name
[ "$(cat "$sem")" = "$before" ] || fail "write_files semaphore was rewritten"
expect_file /var/lib/cloud/data/previous-instance-id iid-bb-2
expect_output_has "keeping the hostname the admin set"
expect_status 0
pass "second boot keeps per-instance work, and boot-finished is this boot's"
