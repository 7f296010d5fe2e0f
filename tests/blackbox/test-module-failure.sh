#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A module whose command fails fails (issue 19 §3): a runcmd that exits
# non-zero fails scripts_user, its stage's "errors" name it, and `status`
# says error and exits 1, as cloud-init's; input refused item by item (a
# write_files entry that does not decode) stays a warning: degraded, 2.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

make_target
mkdir -p "$R/etc/cloud" "$R/var/tmp"
printf 'ssh_genkeytypes: []\n' >"$R/etc/cloud/cloud.cfg"
seed "instance-id: iid-fail
" "#cloud-config
runcmd:
  - [sh, -c, 'echo ran > /var/tmp/ran; exit 3']
"
boot
expect_file /var/tmp/ran ran
expect_status 1
cb status --long >"$OUT" 2>&1 || true
expect_output_has "status: error"
expect_output_has "('scripts_user', RuntimeError('module scripts_user failed"
# in modules-final's "errors" (the list right after its name), not elsewhere
sed -n '/"modules-final": {/,/"finished"/p' "$R/var/lib/cloud/data/status.json" |
	grep -q "scripts_user', RuntimeError" || fail "modules-final's errors do not name scripts_user"
pass "a failing runcmd: status error, exit 1"

rm -rf "$R"/var/lib/cloud/instance* "$R"/var/lib/cloud/data "$R"/run
seed "instance-id: iid-fail-2
" "#cloud-config
write_files:
  - path: /var/tmp/good
    content: ok
  - path: /var/tmp/bad
    encoding: b64
    content: aGVsbG8
"
: >"$OUT"
boot
expect_file /var/tmp/good ok
expect_absent /var/tmp/bad
expect_output_has "user-data:7:14: write_files content for /var/tmp/bad is not valid b64; not written"
expect_status 2
pass "a write_files entry with bad base64 padding: refused, the rest written, status degraded (2)"
