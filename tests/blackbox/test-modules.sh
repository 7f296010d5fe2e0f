#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The module lists of cloud.cfg(.d) decide which modules run and in what
# order; the example external module (data/examples/modules/issue) is
# installed into the target, validated by `schema`, run in its stage with its
# keys on stdin, kept to its frequency, and its failure is reported; `single`
# and `modules` (the listing) work on both kinds.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

EX="$TOP_SRCDIR/data/examples/modules"
LOG=/var/log/cloud-init.log

# A fresh target with the shipped cloud.cfg and a drop-in.
fresh() { # DROP-IN-TEXT
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	make_target
	ln -sf busybox "$R/bin/awk"
	ln -sf busybox "$R/bin/mv"
	mkdir -p "$R/etc/cloud/cloud.cfg.d" "$R/var/tmp"
	cp "$TOP_SRCDIR/data/cloud.cfg" "$R/etc/cloud/cloud.cfg"
	printf '%s\n' "$1" >"$R/etc/cloud/cloud.cfg.d/50-lists.cfg"
}
install_issue() { # DIR
	mkdir -p "$R$1"
	install -m 0755 "$EX/issue" "$R$1/issue"
	install -m 0644 "$EX/issue.json" "$R$1/issue.json"
}
log_has() { grep -qF -- "$1" "$R$LOG" || fail "cloud-init.log lacks '$1'"; }
log_lacks() { ! grep -qF -- "$1" "$R$LOG" || fail "cloud-init.log has '$1'"; }

# --- an empty final list: nothing of the final stage runs ---------------------
fresh 'cloud_final_modules: []'
seed "instance-id: iid-a
" "#!/bin/sh
echo script-ran > /var/tmp/script.out
"
boot
expect_absent /var/tmp/script.out
expect_absent /var/lib/cloud/instance/boot-finished
log_lacks "start: modules-final/config-"
# init and config still ran
log_has "start: init/config-users_groups"
pass "cloud_final_modules: [] runs no final module (no script, no final message)"

# --- [[runcmd, always]]: runcmd every boot, and nothing else of the stage -----
fresh 'cloud_config_modules: [[runcmd, always]]'
seed "instance-id: iid-b
" "#cloud-config
runcmd: [echo hi]
timezone: Europe/Paris
"
boot
[ -s "$R/var/lib/cloud/instances/iid-b/scripts/runcmd" ] || fail "runcmd did not write its script"
expect_absent /etc/timezone
log_has "'timezone' is for module timezone, which is not in this boot's module lists; not applied"
rm "$R/var/lib/cloud/instances/iid-b/scripts/runcmd"
boot
[ -s "$R/var/lib/cloud/instances/iid-b/scripts/runcmd" ] || fail "runcmd [always] did not run on the second boot"
grep -q "running config-runcmd with frequency always" "$R$LOG" || fail "runcmd did not run with frequency always"
pass "cloud_config_modules: [[runcmd, always]] runs runcmd every boot and nothing else"

# --- the order of the list is the order of the runs; forms; unknown names ---
order() { # FIRST SECOND: did FIRST start before SECOND in the final stage?
	a=$(grep -n "start: modules-final/config-$1:" "$R$LOG" | head -n1 | cut -d: -f1)
	b=$(grep -n "start: modules-final/config-$2:" "$R$LOG" | head -n1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "$1 did not run before $2"
}
fresh 'cloud_final_modules: [final_message, {name: cc_scripts_user, frequency: always}, [scripts_per_boot], nosuch_module]'
seed "instance-id: iid-c
" "#cloud-config
runcmd: [echo hi]
"
boot
order final_message scripts_user
order scripts_user scripts_per_boot
log_has "running config-scripts_user with frequency always"
log_has "/etc/cloud/cloud.cfg.d/50-lists.cfg:1:102: cloud_final_modules: no module named nosuch_module"
expect_status 2
fresh 'cloud_final_modules: [scripts_per_boot, cc_scripts_user, final_message]'
seed "instance-id: iid-c
" "#cloud-config
runcmd: [echo hi]
"
boot
order scripts_user final_message
order scripts_per_boot scripts_user
expect_status 0
pass "the list's order is the order of the runs; dict and cc_ forms; unknown names warned at their place"

# --- the example external module -------------------------------------------
fresh 'cloud_config_modules: [runcmd, issue]'
install_issue /usr/lib/cloudboot/modules
printf '#cloud-config\nissue:\n  text: 5\n' >"$R.bad"
set +e
cb schema -c "$R.bad" >"$OUT" 2>&1
rc=$?
set -e
rm -f "$R.bad"
[ "$rc" = 1 ] || fail "schema exited $rc on a wrongly typed issue.text"
expect_output_has "$R.bad:3:9: error: issue.text: expected string, got integer"
printf '#cloud-config\nissue: {text: hi}\n' >"$R.good"
cb schema -c "$R.good" >"$OUT" 2>&1 || fail "schema refused a valid issue key"
rm -f "$R.good"
pass "schema validates an external module's key with its position"

seed "instance-id: iid-d
" "#cloud-config
issue:
  text: \"Welcome to \\\"d\\\"\\n\"
"
boot
expect_file /etc/issue 'Welcome to "d"'
grep -q "issue: wrote //etc/issue (instance iid-d, once-per-instance)" "$R/var/log/cloud-init-output.log" ||
	grep -q "issue: wrote /etc/issue (instance iid-d, once-per-instance)" "$R/var/log/cloud-init-output.log" ||
	fail "the module's output is not in cloud-init-output.log"
expect_mode /var/lib/cloud/instances/iid-d/modules/issue 700
[ -e "$R/var/lib/cloud/instances/iid-d/sem/config_issue" ] || fail "no semaphore for issue"
expect_status 0
rm "$R/etc/issue"
boot
expect_absent /etc/issue
pass "the external module runs in its stage once per instance"

cb modules >"$OUT" 2>&1 || fail "modules exited $?"
grep -Eq '^issue +modules-config +once-per-instance +yes +/usr/lib/cloudboot/modules/issue.json$' "$OUT" ||
	fail "modules does not list issue as expected"
grep -Eq '^runcmd +modules-config +once-per-instance +yes +built-in$' "$OUT" || fail "modules does not list runcmd"
grep -Eq '^final_message +modules-final +always +yes +built-in$' "$OUT" || fail "modules does not list final_message"
grep -Eq '^timezone +modules-config +once-per-instance +no +built-in$' "$OUT" || fail "modules does not show timezone unlisted"

# single: by name (cc_ too), with cloud-init's frequency names
cb single --name cc_issue --frequency per-always >>"$OUT" 2>&1 || fail "single issue exited $?"
expect_file /etc/issue 'Welcome to "d"'
set +e
cb single --name nosuch >>"$OUT" 2>&1
rc1=$?
cb single --name issue --frequency sometimes >>"$OUT" 2>&1
rc2=$?
set -e
[ "$rc1" = 1 ] && [ "$rc2" = 1 ] || fail "single accepted an unknown module ($rc1) or frequency ($rc2)"
expect_output_has "No module nosuch"
expect_output_has "Unknown frequency 'sometimes'"
pass "modules lists built-in and external modules; single runs one, with cloud-init's frequencies"

# [issue, always] in the list: every boot
printf 'cloud_config_modules: [runcmd, [issue, always]]\n' >"$R/etc/cloud/cloud.cfg.d/50-lists.cfg"
rm "$R/etc/issue"
boot
expect_file /etc/issue 'Welcome to "d"'
pass "the list's frequency applies to an external module"

# a failure: the text holds a control character, which the example refuses
fresh 'cloud_config_modules: [issue]'
install_issue /etc/cloud/modules.d
seed "instance-id: iid-e
" "#cloud-config
issue:
  text: \"\\e[31mred\"
"
boot
expect_absent /etc/issue
grep -q "the text holds a control character" "$R/var/log/cloud-init-output.log" || fail "the module's stderr is not in the output log"
grep -qF "('issue', RuntimeError('module issue failed" "$R/var/lib/cloud/data/result.json" ||
	fail "result.json does not show the module's failure"
grep -q "Module issue failed: /etc/cloud/modules.d/issue exited with status 1" "$R/var/lib/cloud/data/status.json" ||
	fail "status.json does not say how the module failed"
expect_status 1
cb status --long >"$OUT" 2>&1 || true
expect_output_has "Module issue failed"
pass "an external module's failure shows in result.json and status"

# shadowing a built-in: refused from a package, refused without replaces
fresh 'cloud_config_modules: [runcmd]'
mkdir -p "$R/usr/lib/cloudboot/modules" "$R/etc/cloud/modules.d"
printf '{"api": 1, "name": "runcmd", "replaces": "runcmd", "schema": {"type": "object", "properties": {"runcmd": {}}}}\n' \
	>"$R/usr/lib/cloudboot/modules/runcmd.json"
printf 'api: 1\nname: timezone\nschema: {type: object, properties: {timezone: {}}}\n' \
	>"$R/etc/cloud/modules.d/timezone.yaml"
cb modules >"$OUT" 2>&1 || fail "modules exited $?"
expect_output_has "/usr/lib/cloudboot/modules/runcmd.json:1:20: module runcmd is built in"
expect_output_has "/etc/cloud/modules.d/timezone.yaml:2:7: module timezone is built in"
grep -Eq '^runcmd +modules-config +once-per-instance +yes +built-in$' "$OUT" || fail "runcmd was shadowed"
# with replaces, from /etc: it takes the built-in's place, and that is said
mv "$R/usr/lib/cloudboot/modules/runcmd.json" "$R/etc/cloud/modules.d/runcmd.json"
printf '#!/bin/sh\ncat > /var/tmp/runcmd.in\n' >"$R/etc/cloud/modules.d/runcmd"
chmod 755 "$R/etc/cloud/modules.d/runcmd"
seed "instance-id: iid-f
" "#cloud-config
runcmd: [echo hi]
"
boot
expect_file /var/tmp/runcmd.in '{"runcmd":["echo hi"]}'
expect_absent /var/lib/cloud/instances/iid-f/scripts/runcmd
log_has "/etc/cloud/modules.d/runcmd.json: module runcmd replaces the built-in one"
pass "an external module shadows a built-in only from /etc/cloud/modules.d with replaces"
