#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The systemd units: systemd-analyze verify accepts them, they are ordered as
# cloud-init's units are, and each one honours the disable switches.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

BUILD=$(dirname "${CLOUDBOOT_REAL:-$CLOUDBOOT}") # the build tree, also under valgrind
U="$R/units"
mkdir -p "$U"
for u in cloudboot-local.service cloudboot.service cloudboot-config.service cloudboot-final.service; do
	[ -f "$BUILD/data/systemd/$u" ] || fail "$u was not built"
	# verify needs ExecStart to exist: point it at the built binary
	sed "s|^ExecStart=[^ ]*/cloudboot |ExecStart=$CLOUDBOOT |" "$BUILD/data/systemd/$u" >"$U/$u"
	grep -q "^ExecStart=/.*/cloudboot " "$BUILD/data/systemd/$u" || fail "$u has no absolute ExecStart"
done
cp "$TOP_SRCDIR/data/systemd/cloudboot.target" "$U/"

has() { grep -qx -- "$2" "$U/$1" || fail "$1 lacks '$2'"; }
has_word() { grep -q "^$2=.*\b$3\b" "$U/$1" || fail "$1: $2 lacks $3"; }
has cloudboot-local.service "ExecStart=$CLOUDBOOT init --local"
has cloudboot.service "ExecStart=$CLOUDBOOT init"
has cloudboot-config.service "ExecStart=$CLOUDBOOT modules --mode config"
has cloudboot-final.service "ExecStart=$CLOUDBOOT modules --mode final"
has cloudboot-local.service "DefaultDependencies=no"
has_word cloudboot-local.service Before network-pre.target
has_word cloudboot-local.service Before sysinit.target
has_word cloudboot-local.service Wants network-pre.target
# the NICs it waits for are in udev's queue: settle waits for them
has_word cloudboot-local.service After systemd-udev-trigger.service
has cloudboot.service "DefaultDependencies=no"
has_word cloudboot.service After cloudboot-local.service
# its commands find /tmp made and not emptied under them (tmp.conf's "D /tmp")
has_word cloudboot.service After systemd-tmpfiles-setup.service
has_word cloudboot.service Before network-online.target
has_word cloudboot.service Before sshd.service
has_word cloudboot.service Before systemd-user-sessions.service
has_word cloudboot-config.service After network-online.target
has_word cloudboot-config.service After cloudboot.service
has_word cloudboot-final.service After multi-user.target
has_word cloudboot-final.service After cloudboot-config.service
has_word cloudboot.target After multi-user.target
for u in cloudboot-local.service cloudboot.service cloudboot-config.service cloudboot-final.service cloudboot.target; do
	has $u "ConditionPathExists=!/etc/cloud/cloud-init.disabled"
	has $u "ConditionKernelCommandLine=!cloud-init=disabled"
done
for u in cloudboot-local.service cloudboot.service cloudboot-config.service cloudboot-final.service; do
	grep -q '^TimeoutStartSec=[0-9]' "$U/$u" || fail "$u has no bounded start timeout"
	has $u "NotifyAccess=main"
done
# nothing to enable: the generator and the udev rule pull the target in, and
# an [Install] section would let systemd's first-boot preset-all enable it
for u in cloudboot-local.service cloudboot.service cloudboot-config.service cloudboot-final.service cloudboot.target; do
	! grep -q '^\[Install\]' "$U/$u" || fail "$u has an [Install] section"
done
# an interrupted first boot stays a first boot until the final stage is done
has_word cloudboot-final.service Wants first-boot-complete.target
has_word cloudboot-final.service Before first-boot-complete.target

# the udev rule starts the target when a seed filesystem appears
RULE="$TOP_SRCDIR/data/udev/90-cloudboot-seed.rules"
grep -q 'ENV{ID_FS_LABEL}=="cidata|CIDATA|config-2|CONFIG-2", ENV{SYSTEMD_WANTS}+="cloudboot.target"' "$RULE" ||
	fail "the udev rule does not want cloudboot.target for seed labels"
grep -q '^ACTION!="add|change"' "$RULE" || fail "the udev rule must act on add and change (a medium inserted)"
if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
	udevadm verify "$RULE" >"$OUT" 2>&1 || fail "udevadm verify rejects the rule"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
	(cd "$U" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
		./cloudboot-local.service ./cloudboot.service ./cloudboot-config.service \
		./cloudboot-final.service ./cloudboot.target) >"$OUT" 2>&1 ||
		fail "systemd-analyze verify rejects the units"
	pass "units verified by systemd-analyze and ordered as cloud-init's"
else
	pass "units ordered as cloud-init's (systemd-analyze not installed: not verified)"
fi
