#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An already-provisioned boot whose config stage has nothing to run does not
# start it: the network stage writes /run/cloud-init/cloudboot-skip-config
# (the unit's ConditionPathExists), records modules-config done in
# status.json and says so in the log; `status` is done. A first boot, or a
# config stage with a module that runs always, starts it, and a stale marker
# goes. The unit file and the code name the same path.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
make_target
IID=iid-skip
MARK=/run/cloud-init/cloudboot-skip-config
LOG=$R/var/log/cloud-init.log
seed "instance-id: $IID
" "#cloud-config
runcmd: ['echo ran >>/var/tmp/runcmd.out']
"
mkdir -p "$R/var/tmp"
# reboot: a new boot finds an empty /run
reboot() { rm -rf "$R/run"; mkdir -p "$R/run"; }

# the unit's condition is the marker's path
unit=$TOP_SRCDIR/data/systemd/cloudboot-config.service.in
grep -qx "ConditionPathExists=!$MARK" "$unit" || fail "cloudboot-config.service.in has no ConditionPathExists=!$MARK"
grep -q "define CONFIG_SKIP RUN_DIR \"/$(basename $MARK)\"" "$TOP_SRCDIR/src/boot/state.h" ||
	fail "src/boot/state.h's CONFIG_SKIP is not $MARK"

# First boot: runcmd has yet to run, the stage starts.
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
expect_absent $MARK
cb modules --mode config >>"$OUT" 2>&1 || fail "modules --mode config exited $?"
cb modules --mode final >>"$OUT" 2>&1 || fail "modules --mode final exited $?"
expect_file /var/tmp/runcmd.out ran
pass "first boot: no marker, the config stage runs"

# Second boot: every config module ran for the instance.
reboot
: >"$LOG"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
[ -f "$R$MARK" ] || fail "provisioned boot: $MARK was not written"
expect_mode $MARK 644
python3 - "$R/run/cloud-init/status.json" <<'PY' || fail "status.json does not record modules-config done"
import json, sys
s = json.load(open(sys.argv[1]))["v1"]["modules-config"]
assert isinstance(s["start"], float) and isinstance(s["finished"], float), s
assert s["start"] <= s["finished"], s
assert s["errors"] == [] and s["recoverable_errors"] == {}, s
PY
grep -q "INFO\]: init: modules-config: every module of cloud_config_modules has run for this instance and none runs on every boot: the stage is not started this boot" "$LOG" ||
	fail "the log does not say why modules-config is not started"
grep -q "running 'modules:config'" "$LOG" && fail "modules-config ran"
cb modules --mode final >>"$OUT" 2>&1 || fail "modules --mode final exited $?"
expect_status 0
cb status >"$OUT.s" 2>&1
grep -qx "status: done" "$OUT.s" || fail "status: $(cat "$OUT.s")"
rm -f "$OUT.s"
expect_file /var/tmp/runcmd.out ran
pass "provisioned boot: marker 0644, status.json has modules-config done, status done (exit 0), the log says why"

# A module that runs always keeps the stage; a stale marker goes.
mkdir -p "$R/etc/cloud/cloud.cfg.d"
printf 'cloud_config_modules: [[runcmd, always]]\n' >"$R/etc/cloud/cloud.cfg.d/50-always.cfg"
reboot
: >"$LOG"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
mkdir -p "$R/run/cloud-init"
: >"$R$MARK"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
expect_absent $MARK
cb modules --mode config >>"$OUT" 2>&1 || fail "modules --mode config exited $?"
grep -q "INFO\]: modules-config/runcmd: Wrote /var/lib/cloud/instances/$IID/scripts/runcmd" "$LOG" ||
	fail "modules-config did not run runcmd again"
pass "[runcmd, always]: no marker (a stale one removed), the config stage runs runcmd again"
