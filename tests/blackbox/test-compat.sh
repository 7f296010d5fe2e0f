#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The `cloud-init` name: the same binary answers with cloud-init's flags and
# exit codes; analyze and collect-logs read what a boot left.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

# the compatibility entry point is the binary under the name cloud-init
mkdir -p "$R.bin"
ln -s "$CLOUDBOOT" "$R.bin/cloud-init"
CI="$R.bin/cloud-init"
ci() { "$CI" --root "$R" "$@"; }
trap 'rm -rf "$R" "$OUT" "$R.bin" "$R.tgz" "$R.list"' EXIT

"$CI" --version | grep -q '^/usr/bin/cloud-init 24\.4 (cloudboot [0-9]' || fail "cloud-init --version"
"$CI" -v | grep -q '^/usr/bin/cloud-init ' || fail "cloud-init -v"
"$CI" status --help | grep -q '^Usage: cloud-init status' || fail "help names cloud-init"
for c in init modules single status schema query clean analyze collect-logs; do
	"$CI" $c --help >"$OUT" 2>&1 || fail "cloud-init $c --help exited non-zero"
done
set +e
"$CI" status --bogus >"$OUT" 2>&1
[ $? = 2 ] || fail "an unknown option must exit 2 (argparse's code)"
grep -q "^cloud-init status: unknown or misplaced option '--bogus'" "$OUT" || fail "error names cloud-init"
"$CI" status -x >"$OUT" 2>&1
[ $? = 2 ] || fail "an unknown short option must exit 2"
"$CI" status --format xml >"$OUT" 2>&1
[ $? = 2 ] || fail "a bad --format must exit 2"
set -e

# cloud-init's global flags before the command are accepted
"$CI" -d --force --root "$R" status >"$OUT" 2>&1 || fail "-d --force"
grep -q "status: not started" "$OUT" || fail "status before a boot"

seed "instance-id: compat-1
local-hostname: compat
" "#cloud-config
hostname: compat-host
password: s3cr3t-marker
chpasswd: {expire: false}
write_files: [{path: /etc/compat, content: ok}]
"
# the stages by cloud-init's short flags
ci init -l >>"$OUT" 2>&1 || fail "cloud-init init -l"
ci init >>"$OUT" 2>&1 || fail "cloud-init init"
ci modules -m config >>"$OUT" 2>&1 || fail "cloud-init modules -m config"
ci modules --mode=final >>"$OUT" 2>&1 || fail "cloud-init modules --mode=final"
expect_file /etc/compat ok
[ -f "$R/var/lib/cloud/instances/compat-1/boot-finished" ] || fail "boot-finished"

# status: short and long flags, the formats and exit codes
ci status -w >"$OUT" || fail "status -w exit $?"
grep -qx "status: done" "$OUT" || fail "status -w output"
ci status -l >"$OUT" || fail "status -l"
grep -q "^detail: DataSourceNoCloud" "$OUT" || fail "status -l detail"
ci status --wait --long --format json >"$OUT" || fail "status json"
grep -q '"extended_status": "done"' "$OUT" || fail "status json extended_status"
ci status --format yaml >"$OUT" || fail "status yaml"
grep -q '"status": "done"' "$OUT" || fail "status yaml"

# query by flags
[ "$(ci query -a | grep -c '"instance_id": "compat-1"')" -ge 1 ] || fail "query -a"
ci query -l >"$OUT" && grep -qx v1 "$OUT" || fail "query -l lists the top keys"
ci query -u >"$OUT" && grep -q s3cr3t-marker "$OUT" || fail "query -u prints the user-data (root)"
ci query -i "$R/run/cloud-init/instance-data.json" v1.local_hostname >"$OUT" || fail "query -i"
grep -qx compat "$OUT" || fail "query -i value"

# schema --system checks the instance's own cloud-config
ci schema --system >"$OUT" 2>&1 || fail "schema --system"
grep -q "^Valid schema" "$OUT" || fail "schema --system says valid"
set +e
ci schema --system -t network-config >"$OUT" 2>&1
[ $? = 2 ] || fail "an unsupported schema type must exit 2"
set -e

# single by cloud-init's module name
ci single -n cc_write_files --frequency always >"$OUT" 2>&1 || fail "single -n cc_write_files"

# analyze: one boot record with the stages and the modules that ran
ci analyze show >"$OUT" || fail "analyze show"
grep -q "^-- Boot Record 01 --" "$OUT" || fail "analyze show record"
for s in init-local init modules-config modules-final; do
	grep -q "^Starting stage: $s\$" "$OUT" || fail "analyze show: no stage $s"
	grep -q "^Finished stage: ($s) [0-9.]* seconds" "$OUT" || fail "analyze show: $s not finished"
done
grep -q '^|`->init/config-write_files SUCCESS @[0-9.]*s +[0-9.]*s$' "$OUT" || fail "analyze show: write_files line"
grep -q "^1 boot records analyzed" "$OUT" || fail "analyze show count"
ci analyze blame >"$OUT" || fail "analyze blame"
grep -q '^     [0-9.]*s (init/config-write_files)$' "$OUT" || fail "analyze blame line"
# slowest first
awk '/s \(/ { gsub(/s$/, "", $1); if (prev != "" && $1 + 0 > prev + 0) bad = 1; prev = $1 } END { exit bad }' "$OUT" ||
	fail "analyze blame is not sorted"
ci analyze dump >"$OUT" || fail "analyze dump"
grep -q '"name": "init/config-write_files"' "$OUT" || fail "analyze dump names"
grep -q '"event_type": "finish"' "$OUT" || fail "analyze dump event types"
# a second boot is a second record; -i reads another file. Its init-local
# removes the first boot's boot-finished, as cloud-init's does, and its
# final stage writes it again.
for stage in "init --local" "init"; do ci $stage >/dev/null 2>&1; done
[ ! -e "$R/var/lib/cloud/instances/compat-1/boot-finished" ] || fail "init-local left the last boot's boot-finished"
for stage in "modules --mode config" "modules --mode final"; do ci $stage >/dev/null 2>&1; done
[ -f "$R/var/lib/cloud/instances/compat-1/boot-finished" ] || fail "boot-finished after the second boot"
ci analyze show -i "$R/var/log/cloud-init.log" >"$OUT"
grep -q "^2 boot records analyzed" "$OUT" || fail "two boots give two records"
set +e
ci analyze sideways >"$OUT" 2>&1
[ $? = 2 ] || fail "an unknown analyze action must exit 2"
set -e

# collect-logs: the tarball is 0600 and leaves secrets out unless asked
ci collect-logs -t "$R.tgz" >"$OUT" || fail "collect-logs"
[ "$(stat -c %a "$R.tgz")" = 600 ] || fail "collect-logs tarball mode $(stat -c %a "$R.tgz")"
tar tzf "$R.tgz" >"$R.list" || fail "collect-logs output is not a gzip'd tar"
top=$(head -n1 "$R.list")
case "$top" in cloud-init-logs-20[0-9][0-9]-[01][0-9]-[0-3][0-9]/) ;; *) fail "tar top directory '$top'" ;; esac
for f in version var/log/cloud-init.log var/log/cloud-init-output.log run/cloud-init/instance-data.json \
	var/lib/cloud/data/instance-id var/lib/cloud/instance/boot-finished; do
	grep -qx "$top$f" "$R.list" || fail "collect-logs misses $f"
done
for f in run/cloud-init/instance-data-sensitive.json var/lib/cloud/instance/user-data.txt \
	var/lib/cloud/instance/cloud-config.txt; do
	! grep -qx "$top$f" "$R.list" || fail "collect-logs includes sensitive $f"
done
! tar xzOf "$R.tgz" | grep -q s3cr3t-marker || fail "a secret reached the tarball"
ci collect-logs --include-sensitive -t "$R.tgz" >"$OUT" || fail "collect-logs --include-sensitive"
tar tzf "$R.tgz" >"$R.list"
grep -qx "${top}var/lib/cloud/instance/user-data.txt" "$R.list" || fail "--include-sensitive adds user-data"
tar xzOf "$R.tgz" "${top}var/lib/cloud/instance/user-data.txt" | grep -q s3cr3t-marker ||
	fail "user-data content in the tarball"
pass "cloud-init compatibility, analyze and collect-logs"
