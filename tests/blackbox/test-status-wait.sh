#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `status --wait` never waits for a stage that will not run: with systemd's
# view of the units (answered through the test hook CLOUDBOOT_TEST_UNITS), a
# failed unit ends the wait with an error and a boot in which no unit of
# cloudboot's is running or queued ends it as disabled-by-generator.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

[ "${TEST_HOOKS:-no}" = yes ] || { echo "SKIP: built without --enable-test-hooks"; exit 77; }

# Nothing ran and nothing will: the generator saw no datasource.
CLOUDBOOT_TEST_UNITS=idle timeout 10 "$CLOUDBOOT" --root "$R" status --wait --long >"$OUT" 2>&1 ||
	fail "status --wait with idle units exited $? (want 0, disabled)"
grep -qx "status: disabled" "$OUT" || fail "idle units before any stage: not 'disabled'"
grep -qx "boot_status_code: disabled-by-generator" "$OUT" || fail "boot_status_code"

# A stage unit failed before status.json said anything.
set +e
CLOUDBOOT_TEST_UNITS=failed:cloudboot.service timeout 10 "$CLOUDBOOT" --root "$R" status --wait --long >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "status --wait with a failed unit exited $rc, want 1"
grep -qx "status: error" "$OUT" || fail "failed unit: not 'error'"
grep -q "cloudboot.service failed" "$OUT" || fail "failed unit is not named"

# A stage ran, then none runs or is queued: the wait ends with an error.
seed "instance-id: wait-1
" "#cloud-config
"
cb init --local >/dev/null 2>&1
set +e
CLOUDBOOT_TEST_UNITS=idle timeout 10 "$CLOUDBOOT" --root "$R" status --wait --format json >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "a stalled boot: status --wait exited $rc, want 1"
grep -q '"status": "error"' "$OUT" || fail "a stalled boot is not an error"
grep -q "no cloudboot unit is running or queued" "$OUT" || fail "a stalled boot is not explained"

# While a stage is pending the wait goes on (timeout ends it here), and it
# ends by itself once the final stage wrote result.json.
set +e
CLOUDBOOT_TEST_UNITS=pending timeout 2 "$CLOUDBOOT" --root "$R" status --wait >"$OUT" 2>&1
rc=$?
set -e
[ $rc = 124 ] || fail "status --wait must keep waiting while a stage is pending (exit $rc)"
(sleep 1; for s in init "modules --mode config" "modules --mode final"; do cb $s >/dev/null 2>&1; done) &
CLOUDBOOT_TEST_UNITS=pending timeout 30 "$CLOUDBOOT" --root "$R" status --wait >"$OUT" 2>&1 ||
	fail "status --wait did not end with the boot"
wait
grep -q "status: done" "$OUT" || fail "status --wait after the boot"
pass "status --wait follows the units"
