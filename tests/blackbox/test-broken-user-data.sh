#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Broken user-data: a clear error with file, line and column; what is valid
# still applies; the boot completes; status exits 2.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

# 1. A YAML syntax error: nothing of the cloud-config applies, meta-data does.
seed "instance-id: iid-broken-1
local-hostname: from-meta-data
" "#cloud-config
write_files:
  - path: /etc/a
    content: [unclosed
hostname: never
"
boot
expect_output_has "/var/lib/cloud/seed/nocloud/user-data:5:9: did not find expected ',' or ']' while parsing a flow sequence; the cloud-config is not applied"
expect_file /etc/hostname from-meta-data
expect_absent /etc/a
expect_status 2
cb status --long >"$OUT" 2>&1 || true
expect_output_has "extended_status: degraded done"
expect_output_has "user-data:5:9: did not find expected"

# 2. Wrong types and bad items: reported, the rest applies.
rm -rf "$R"/*
: >"$OUT"
seed "instance-id: iid-broken-2
" "#cloud-config
hostname: [not, a, string]
unknown_key: 1
write_files:
  - path: /etc/good
    content: ok
  - content: no path here
  - path: /etc/bad-gz
    encoding: gz+b64
    content: aGVsbG8K
"
boot
expect_file /etc/good ok
expect_absent /etc/bad-gz
expect_output_has "user-data:2:11: hostname: expected string, got list"
expect_output_has "user-data:3:1: unknown key 'unknown_key'"
expect_output_has "user-data:7:5: write_files.1: 'path' is required"
expect_output_has "user-data:10:14: write_files content for /etc/bad-gz is not valid gz+b64; not written"
expect_status 2
pass "broken user-data: errors with positions, valid parts applied, status 2"
