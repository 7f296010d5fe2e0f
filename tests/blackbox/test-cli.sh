#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command line: --help everywhere, --version, schema, status exit codes,
# query, clean, single, and the disable switches.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

"$CLOUDBOOT" --version | grep -q '^cloudboot [0-9]' || fail "--version"
for c in init modules single status schema query clean; do
	"$CLOUDBOOT" $c --help >"$OUT" 2>&1 || fail "$c --help exited non-zero"
	grep -q "^Usage: cloudboot $c" "$OUT" || fail "$c --help does not describe $c"
done
"$CLOUDBOOT" --help | grep -q 'Global options' || fail "--help"
set +e
"$CLOUDBOOT" init --bogus >"$OUT" 2>&1
[ $? = 2 ] || fail "an unknown option must exit 2"
"$CLOUDBOOT" modules --mode sideways >"$OUT" 2>&1
[ $? = 2 ] || fail "a bad --mode must exit 2"
"$CLOUDBOOT" frobnicate >"$OUT" 2>&1
[ $? = 2 ] || fail "an unknown command must exit 2"
set -e

# schema: positions and exit codes
cat >"$R/good.yaml" <<'YAML'
#cloud-config
hostname: h
byobu_by_default: enable
YAML
"$CLOUDBOOT" schema --config-file "$R/good.yaml" >"$OUT" 2>&1 || fail "schema rejects a valid file"
grep -q "good.yaml:3:1: warning: 'byobu_by_default' needs module byobu, which this cloudboot does not implement" "$OUT" || fail "schema does not name the unsupported module"
grep -q "^Valid schema" "$OUT" || fail "schema does not say valid"
cat >"$R/bad.yaml" <<'YAML'
#cloud-config
hostname: 5
hostnme: x
write_files:
  - path: /a
    permissions: [1]
YAML
set +e
"$CLOUDBOOT" schema -c "$R/bad.yaml" >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "schema exits $rc on errors, expected 1"
grep -q "bad.yaml:2:11: error: hostname: expected string, got integer" "$OUT" || fail "type error position"
grep -q "bad.yaml:3:1: error: unknown key 'hostnme'" "$OUT" || fail "unknown key position"
grep -q "bad.yaml:6:18: error: write_files.0.permissions: expected integer or string, got list" "$OUT" || fail "nested position"
printf '#cloud-config\nkey: [oops\n' >"$R/broken.yaml"
set +e
"$CLOUDBOOT" schema -c "$R/broken.yaml" >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "schema exits $rc on a YAML error"
grep -q "broken.yaml:3:1: error: did not find expected ',' or ']'" "$OUT" || fail "YAML error position"

# status before anything ran, then after, then with a crafted error
expect_status 0
cb status >"$OUT"
grep -q "status: not started" "$OUT" || fail "status before a boot"
seed "instance-id: cli-1
local-hostname: cli
" "#cloud-config
write_files: [{path: /x, content: y}]
"
boot
expect_status 0
cb status --format json >"$OUT"
grep -q '"status": "done"' "$OUT" || fail "status json"
grep -q '"datasource": "NoCloud"' "$OUT" || fail "status json datasource"
sed -i 's/"errors": \[\]/"errors": ["boom"]/' "$R/var/lib/cloud/data/status.json"
expect_status 1
cb status --wait >"$OUT" || true
grep -q "status: error" "$OUT" || fail "status --wait must return on error"
rm "$R/run/cloud-init/result.json"
sed -i 's/"errors": \["boom"\]/"errors": []/' "$R/var/lib/cloud/data/status.json"
cb status >"$OUT"
grep -q "status: running" "$OUT" || fail "status without result.json must say running"

# query
[ "$(cb query v1.instance_id)" = cli-1 ] || fail "query v1.instance_id"
[ "$(cb query instance_id)" = cli-1 ] || fail "query of a v1 key at the top"
[ "$(cb query ds.meta_data.local-hostname)" = cli ] || fail "query meta-data"
cb query userdata | grep -q '^#cloud-config' || fail "query userdata"
cb query --list-keys | grep -q '^v1$' || fail "query --list-keys"
set +e
cb query no.such.key >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "query of an unknown key exits $rc"
grep -q "undefined instance-data key 'no.such.key'" "$OUT" || fail "query error message"

# single: a module run again on demand
rm "$R/x"
cb single --name write_files >"$OUT" 2>&1 || fail "single"
expect_absent /x
cb single --name write_files --frequency always >"$OUT" 2>&1 || fail "single --frequency always"
expect_file /x y
set +e
cb single --name byobu >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "single of an unsupported module exits $rc"

# clean: state goes, the seed stays; --machine-id makes a template
echo 0123456789abcdef0123456789abcdef >"$R/etc/machine-id"
cb clean --logs --machine-id || fail "clean"
expect_absent /var/lib/cloud/instance
expect_absent /var/lib/cloud/data
expect_absent /var/log/cloud-init.log
[ -f "$R/var/lib/cloud/seed/nocloud/user-data" ] || fail "clean removed the seed"
expect_file /etc/machine-id uninitialized
expect_mode /etc/machine-id 444
cb clean --seed || fail "clean --seed"
expect_absent /var/lib/cloud/seed

# disabled: nothing is done
rm -rf "$R"/*
seed "instance-id: off
" "#cloud-config
hostname: never
"
mkdir -p "$R/etc/cloud"
: >"$R/etc/cloud/cloud-init.disabled"
boot
expect_absent /etc/hostname
cb status >"$OUT"
grep -q "status: disabled" "$OUT" || fail "status when disabled"
rm "$R/etc/cloud/cloud-init.disabled"
mkdir -p "$R/proc"
echo "ro quiet cloud-init=disabled" >"$R/proc/cmdline"
boot
expect_absent /etc/hostname
pass "command line"
