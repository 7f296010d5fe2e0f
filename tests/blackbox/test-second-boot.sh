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
boot
expect_file /etc/motd edited
expect_file /etc/hostname admin-name
[ "$(cat "$sem")" = "$before" ] || fail "write_files semaphore was rewritten"
expect_file /var/lib/cloud/data/previous-instance-id iid-bb-2
expect_output_has "keeping the hostname the admin set"
expect_status 0
pass "second boot keeps per-instance work"
