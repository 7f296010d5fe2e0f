#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The same disk with a new instance-id: per-instance modules run again.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

seed "instance-id: iid-old
" "#cloud-config
hostname: clone
write_files:
  - path: /etc/motd
    content: provisioned
"
boot
echo changed >"$R/etc/motd"
seed "instance-id: iid-new
" "#cloud-config
hostname: clone-two
write_files:
  - path: /etc/motd
    content: provisioned
"
boot
expect_file /etc/motd provisioned
expect_file /etc/hostname clone-two
expect_file /var/lib/cloud/data/instance-id iid-new
# init-local wrote iid-old there; init, recording the instance again as
# cloud-init does, the id init-local left
expect_file /var/lib/cloud/data/previous-instance-id iid-new
[ "$(readlink "$R/var/lib/cloud/instance")" = /var/lib/cloud/instances/iid-new ] || fail "instance link"
[ -f "$R/var/lib/cloud/instances/iid-new/sem/config_write_files" ] || fail "no semaphore for the new instance"
[ -f "$R/var/lib/cloud/instances/iid-old/sem/config_write_files" ] || fail "old instance state removed"
expect_output_has "instance iid-new (new)"
expect_status 0
pass "new instance-id reruns per-instance modules"
