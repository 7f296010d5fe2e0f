#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The generator as ds-identify: on a temp root it enables cloudboot (the
# link in multi-user.target.wants, /run/cloud-init/enabled, datasource_list
# in /run/cloud-init/cloud.cfg) when a datasource is possible and not when
# none is; the stages then probe only the list it wrote. Its time is measured
# and printed (no assertion on it: the machine may be loaded).
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

E="$R.early"
cleanup2() { rm -rf "$E"; cleanup; }
trap cleanup2 EXIT
LINK="$E/multi-user.target.wants/cloudboot.target"
gen() { rm -rf "$E"; mkdir -p "$E"; cb generator "$E" >>"$OUT" 2>&1 || fail "generator exited $?"; }

# nothing: not pulled in, the not-found report for tools, no "disabled" marker
gen
[ ! -e "$LINK" ] || fail "linked with no datasource"
expect_absent /run/cloud-init/enabled
expect_absent /run/cloud-init/disabled
grep -q "^  # reporting not found result. notfound=disabled.$" "$R/run/cloud-init/cloud.cfg" ||
	fail "no not-found report in cloud.cfg"
grep -q "^check for 'NoCloud' returned not-found$" "$R/run/cloud-init/ds-identify.log" ||
	fail "ds-identify.log lacks the NoCloud check"
pass "no datasource: not enabled"

# an OpenNebula context: enabled, and the stages use what it chose
mkdir -p "$R/var/lib/cloud/seed/opennebula" "$R/etc/cloud"
cp "$TOP_SRCDIR/tests/fixtures/ds/opennebula/context.sh" "$R/var/lib/cloud/seed/opennebula/"
# a NoCloud seed that would win in the built-in order, were the list not used
seed "instance-id: nocloud-1
" "#cloud-config
"
printf 'datasource_list: [ OpenNebula, ConfigDrive, None ]\n' >"$R/etc/cloud/cloud.cfg"
gen
[ -L "$LINK" ] || fail "not linked with an OpenNebula context"
expect_file /run/cloud-init/enabled ""
expect_file /run/cloud-init/cloud.cfg "datasource_list: [ OpenNebula, None ]"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
grep -q "DataSourceOpenNebula" "$R/run/cloud-init/status.json" ||
	fail "the stage did not use OpenNebula: $(cat "$R/run/cloud-init/status.json")"
for k in cloud_name cloud_id platform; do
	grep -q "\"$k\": \"opennebula\"" "$R/run/cloud-init/instance-data.json" ||
		fail "instance-data.json: $k is not opennebula"
done
grep -q '"subplatform": "seed-dir (/var/lib/cloud/seed/opennebula)"' "$R/run/cloud-init/instance-data.json" ||
	fail "instance-data.json: subplatform"
pass "OpenNebula context: enabled, the stage reads it"

# the policy disables: the marker `status` reads
rm -rf "$R/var/lib/cloud" "$R/run/cloud-init"
printf 'policy: disabled\n' >"$R/etc/cloud/ds-identify.cfg"
gen
[ ! -e "$LINK" ] || fail "linked though the policy disables"
expect_file /run/cloud-init/disabled ""
cb status --long >"$OUT.st" 2>&1 || true
grep -qx "status: disabled" "$OUT.st" || { cat "$OUT.st" >&2; rm -f "$OUT.st"; fail "status is not disabled"; }
rm -f "$OUT.st"
rm -f "$R/etc/cloud/ds-identify.cfg"
pass "policy disabled: disabled"

# GCE is not in that datasource_list: its DMI identity does not count
mkdir -p "$R/sys/class/dmi/id" "$R/dev/disk/by-label"
printf 'Google Compute Engine\n' >"$R/sys/class/dmi/id/product_name"
gen
[ ! -e "$LINK" ] || fail "linked for a datasource the list leaves out"
rm -f "$R/etc/cloud/cloud.cfg"
pass "only the configured datasource_list is checked"

# time: N runs on a root with DMI, labels and config to read
N=20
t0=$(date +%s%N)
i=0
while [ $i -lt $N ]; do gen; i=$((i + 1)); done
t1=$(date +%s%N)
[ -L "$LINK" ] || fail "not linked on GCE"
us=$(((t1 - t0) / 1000 / N))
inner=$(sed -n 's/^decided in \([0-9]*\) us.*/\1/p' "$R/run/cloud-init/ds-identify.log")
echo "# generator: $N runs, ${us} us per run (process included), last decision ${inner} us"
pass "generator timing measured"
