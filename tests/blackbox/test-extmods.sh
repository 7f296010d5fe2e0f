#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The external modules cloudboot ships (modules/ext/) work through the
# external-module protocol on a target, as a package installs them: a
# cloud-init module of Debian's lists that is not built in is found in
# /usr/lib/cloudboot/modules when one of its keys is set, its descriptor
# (generated from the module's schema) loads, `schema` checks its keys at
# their position, and the program runs in its stage, chrooted in the target,
# with the default user's name.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

LOG=/var/log/cloud-init.log
fake='#!/bin/sh
echo "${0##*/} $*" >> /calls
cat >> /stdin
'
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	make_target
	mkdir -p "$R/etc/cloud" "$R/usr/bin" "$R/usr/sbin"
	cp "$TOP_SRCDIR/data/cloud.cfg" "$R/etc/cloud/cloud.cfg"
}
fake_tool() { printf '%s' "$fake" >"$R$1" && chmod 755 "$R$1"; }

# --- byobu: found, described, run in the config stage --------------------------
fresh
install_extmod byobu
for t in /usr/bin/byobu /usr/bin/sudo /usr/bin/debconf-set-selections /usr/sbin/dpkg-reconfigure; do
	fake_tool "$t"
done
"$TOP_BUILDDIR/modules/ext/byobu" --describe | grep -q '"name":"byobu"' || fail "byobu --describe"
seed "instance-id: iid-ext
" "#cloud-config
byobu_by_default: enable-user
"
boot
got=$(cat "$R/calls")
want='sudo -Hu debian byobu-launcher-install
debconf-set-selections 
dpkg-reconfigure byobu --frontend=noninteractive'
[ "$got" = "$want" ] || fail "byobu ran: '$got'"
grep -q 'boolean true' "$R/stdin" || fail "debconf selection not given on stdin"
[ -e "$R/var/lib/cloud/instances/iid-ext/sem/config_byobu" ] || fail "no semaphore for byobu"
! grep -q "needs module byobu" "$R$LOG" || fail "byobu reported as not implemented"
expect_status 0
pass "byobu runs as an external module in the config stage"

# --- a bad value: schema names it with its position -----------------------------
printf '#cloud-config\nbyobu_by_default: sometimes\n' >"$R.bad"
set +e
cb schema -c "$R.bad" >"$OUT" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "schema exited $rc on a bad byobu_by_default"
expect_output_has "$R.bad:2:19: error: byobu_by_default"
pass "schema checks an external module's keys at their position"

# --- not installed: reported as cloud-init's module cloudboot lacks -------------
fresh
seed "instance-id: iid-none
" "#cloud-config
byobu_by_default: enable-user
"
boot
grep -q "needs module byobu, which this cloudboot does not implement" "$R$LOG" || fail "the byobu key passed quietly without the module"
pass "without the program the key is reported"
