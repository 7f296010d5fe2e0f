#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# No key is silently ignored (issue 19 §2). Every top-level key of cloud-init's
# schema and every base key (tests/fixtures/keys/schema-keys.txt, made by
# tools/gen-keys-fixture) goes to `cloudboot schema`, one document each: a key
# that cloudboot applies draws no line; any other is named at its own
# file:line:col with the module cloud-init would run. Then the keys that are
# not applied go through the four stages, one key a line of one user-data so
# that each position is checked: a key cloud-init would act on here (module
# not implemented, unknown, a base setting not honoured) is a warning in
# status.json's recoverable_errors and `status` exits 2; a key cloud-init
# too would skip (not for this distro, not in the module lists) is an info
# line, and a boot of those alone ends done, exit 0. Keys that are applied
# are run by their modules' own tests.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

KEYS="$TOP_SRCDIR/tests/fixtures/keys/schema-keys.txt"
[ -s "$KEYS" ] || fail "$KEYS is missing"
TAB=$(printf '\t')
# what the registry applies, from the registry itself
"$CLOUDBOOT" schema --docs | cut -f1 | sort -u >"$R.applied"
for k in merge_how merge_type system_info vendor_data cloud_init_modules \
	cloud_config_modules cloud_final_modules; do
	echo "$k" >>"$R.applied"
done
: >"$R.warn"
: >"$R.info"
n=0
while IFS="$TAB" read -r key value; do
	n=$((n + 1))
	printf '#cloud-config\n%s: %s\n' "$key" "$value" >"$R.doc"
	set +e
	"$CLOUDBOOT" schema --config-file "$R.doc" >"$OUT" 2>&1
	rc=$?
	set -e
	if grep -qxF -- "$key" "$R.applied"; then
		[ "$rc" = 0 ] || fail "schema rejects '$key: $value'"
		if grep -q "'$key'" "$OUT"; then
			# a module cloudboot has but Debian's lists do not run (yum, apk)
			grep -q "note: '$key' is for module .*, which is not in this boot's module lists; not applied" "$OUT" ||
				grep -q "note: '$key' is for module .*, which cloud-init runs only on .*, not on debian; not applied" "$OUT" ||
				fail "'$key' is applied, but schema says it is not"
			echo "$key: $value" >>"$R.info"
		fi
		continue
	fi
	line=$(grep -F "$R.doc:2:1: " "$OUT" | grep -F "'$key'") ||
		fail "schema does not name '$key' at $R.doc:2:1"
	case "$line" in
	*"warning: '$key' needs module "*", which this cloudboot does not implement; not applied" | \
		*"warning: '$key' is a setting of cloud-init itself that cloudboot does not honour; not applied")
		echo "$key: $value" >>"$R.warn" ;;
	*"note: '$key' is for module "*", which cloud-init runs only on "*", not on debian; not applied" | \
		*"note: '$key' is for module "*", which is not in this boot's module lists; not applied" | \
		*"note: '$key' has no effect: cloud-init has no module that reads it")
		echo "$key: $value" >>"$R.info" ;;
	*) fail "schema's line for '$key' does not say why: $line" ;;
	esac
done <"$KEYS"
[ "$n" -ge 99 ] || fail "only $n keys in $KEYS"
pass "schema: $n keys, $(wc -l <"$R.applied") applied, $(wc -l <"$R.warn") warnings, $(wc -l <"$R.info") notes"
# an unknown key is an error for schema, as cloud-init's schema says
printf '#cloud-config\nno_such_key: 1\n' >"$R.doc"
set +e
"$CLOUDBOOT" schema --config-file "$R.doc" >"$OUT" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "schema accepts an unknown key (exit $rc)"
grep -qF "$R.doc:2:1: error: unknown key 'no_such_key'" "$OUT" || fail "schema does not name the unknown key"

# boot_check FILE-OF-KEYS LEVEL: one boot, each key named once at its line
boot_check() {
	rm -rf "${R:?}"/*
	mkdir -p "$R/etc/cloud"
	# no host keys: RSA generation is slow and not what this test is about
	printf 'ssh_genkeytypes: []\n' >"$R/etc/cloud/cloud.cfg"
	{
		echo "#cloud-config"
		cat "$1"
		[ "$2" = WARNING ] && echo "no_such_key: 1"
	} >"$R.ud"
	seed "instance-id: iid-keys
" "$(cat "$R.ud")"
	: >"$OUT"
	boot
	log="$R/var/log/cloud-init.log"
	ln=0
	while IFS= read -r l; do
		ln=$((ln + 1))
		key=${l%%:*}
		[ "$key" = "#cloud-config" ] && continue
		pos="/var/lib/cloud/seed/nocloud/user-data:$ln:1: "
		got=$(grep -F "$pos" "$log" | grep -cF "'$key'") || true
		[ "$got" = 1 ] || fail "'$key' is named $got times at $pos in cloud-init.log (once expected)"
		grep -F "$pos" "$log" | grep -F "'$key'" | grep -qF "cloudboot[$2]" ||
			fail "'$key' is not logged at level $2"
		if [ "$2" = WARNING ]; then
			grep -qF "$pos" "$R/var/lib/cloud/data/status.json" ||
				fail "'$key' ($pos) is not in status.json's recoverable_errors"
		else
			grep -qF "$pos" "$R/var/lib/cloud/data/status.json" &&
				fail "'$key' ($pos) is in status.json, but cloud-init too would skip it"
		fi
	done <"$R.ud"
	return 0
}

boot_check "$R.warn" WARNING
expect_status 2
cb status --long >"$OUT" 2>&1 || true
grep -q "^status: done" "$OUT" || fail "status is not done with keys not implemented"
# in the stage whose module list would run the module
log="$R/var/log/cloud-init.log"
grep -F "'byobu_by_default' needs module byobu" "$log" | grep -qF "modules-config:" || fail "byobu_by_default is not reported by modules-config"
grep -F "'ansible' needs module ansible" "$log" | grep -qF "modules-final:" || fail "ansible is not reported by modules-final"
# every module of init's list is implemented now (disk_setup last, issue 22)
grep -qF "'disk_setup' needs module disk_setup" "$log" && fail "disk_setup is reported as not implemented"
grep -F "unknown key 'no_such_key'" "$log" | grep -qF " init:" || fail "an unknown key is not reported by init"
pass "boot: $(wc -l <"$R.warn") keys not implemented, each a warning at its line; status degraded (2)"

boot_check "$R.info" INFO
expect_status 0
pass "boot: $(wc -l <"$R.info") keys cloud-init too skips here, each an info line at its line; status done (0)"
rm -f "$R.applied" "$R.warn" "$R.info" "$R.doc" "$R.ud"
