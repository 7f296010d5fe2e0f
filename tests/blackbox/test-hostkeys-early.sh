#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Host keys begun early (docs/pipeline.md, "Slow work begun a stage
# early"): by init-local for a new net-mode instance whose config is whole,
# else by the stage that runs the init modules once it has the includes and
# has set the host name, before the boothooks and the modules; the key made
# early is the one the ssh module installs.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
command -v ssh-keygen >/dev/null 2>&1 || { echo "SKIP: ssh-keygen is not installed"; exit 77; }
SRV="$R.srv"
SRVPID=
cleanup_srv() {
	[ -z "$SRVPID" ] || kill "$SRVPID" 2>/dev/null || true
	rm -rf "$SRV" "$R.port"
	cleanup
}
trap cleanup_srv EXIT
make_target
mkdir -p "$R/etc/ssh" "$R/etc/cloud/cloud.cfg.d"
: >"$R/dev/console"
echo 'ssh_genkeytypes: [ed25519]' >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
P=/run/cloud-init/cloudboot-hostkeys

# includes left for the network stage: init-local begins nothing; the
# network stage fetches them, sets the host name one of them gives, then
# begins the key with that name
mkdir -p "$SRV"
printf '#cloud-config\nhostname: from-include\n' >"$SRV/host.yaml"
fakemeta_start "$R.port" "$FAKEMETA" "$SRV"
seed "instance-id: iid-early-1
local-hostname: early-one
" "#include
http://127.0.0.1:$PORT/host.yaml
"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
expect_absent $P
! grep -q "host key early" "$OUT" || fail "init-local began a key for a config with includes to fetch"
: >"$OUT"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
expect_output_has "Making the ed25519 host key early, for the ssh module"
expect_output_has "Made the ed25519 host key early in"
! grep -q "made early names another host" "$OUT" || fail "the key begun after the includes named another host"
expect_file /etc/hostname from-include
grep -q " root@from-include$" "$R/etc/ssh/ssh_host_ed25519_key.pub" || fail "the key does not name the host an include gave"
expect_absent $P
pass "includes fetched by the network stage: the key begun there, after the host name they give"

# a whole config: begun by init-local, installed by the network stage
sed -i 's/iid-early-1/iid-early-2/; s/early-one/early-two/' "$R/var/lib/cloud/seed/nocloud/meta-data"
printf '#cloud-config\nruncmd: [true]\n' >"$R/var/lib/cloud/seed/nocloud/user-data"
: >"$OUT"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
expect_output_has "Making the ed25519 host key early, for the ssh module"
expect_mode $P 700
flock -s "$R$P/ed25519.lock" true || fail "no lock for the ed25519 key"
expect_mode $P/ed25519 600
expect_mode $P/ed25519.pub 600
grep -q " root@early-two$" "$R$P/ed25519.pub" || fail "the early key does not name the host init-local set"
early=$(cat "$R$P/ed25519.pub")
cb init >>"$OUT" 2>&1 || fail "init exited $?"
expect_file /etc/ssh/ssh_host_ed25519_key.pub "$early"
expect_mode /etc/ssh/ssh_host_ed25519_key 600
expect_absent $P
pass "a new instance: the key begun by init-local is the one installed"

# a provisioned boot begins nothing (the module's semaphore is set)
: >"$OUT"
boot
expect_absent $P
! grep -q "host key early" "$OUT" || fail "a key was begun on a provisioned boot"
expect_file /etc/ssh/ssh_host_ed25519_key.pub "$early"
pass "a provisioned boot begins no key"

# dsmode local: the init modules run in init-local itself, which begins the
# key before its boothooks and modules and installs it at the module's turn
sed -i 's/iid-early-2/iid-early-3/' "$R/var/lib/cloud/seed/nocloud/meta-data"
echo "dsmode: local" >>"$R/var/lib/cloud/seed/nocloud/meta-data"
: >"$OUT"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
expect_output_has "Making the ed25519 host key early, for the ssh module"
expect_output_has "Made the ed25519 host key early in"
expect_absent $P
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" != "$early" ] || fail "a local-mode new instance kept the key"
pass "dsmode local: init-local begins the key before its modules and installs it"

# a datasource the network stage finds itself (init-local found none): the
# host name set and the key begun before the boothooks, which see both
sed -i 's/iid-early-3/iid-early-4/; s/early-two/early-four/; /^dsmode/d' \
	"$R/var/lib/cloud/seed/nocloud/meta-data"
printf '#cloud-boothook\n#!/bin/sh\nls /run/cloud-init/cloudboot-hostkeys >/root/hook-saw-keys\ncat /etc/hostname >/root/hook-saw-host\n' \
	>"$R/var/lib/cloud/seed/nocloud/user-data"
rm -rf "$R/run" # a new boot, of which init-local found nothing (not run)
: >"$OUT"
cb init >>"$OUT" 2>&1 || fail "init exited $?"
expect_output_has "Making the ed25519 host key early, for the ssh module"
expect_output_has "Made the ed25519 host key early in"
grep -q "ed25519.lock" "$R/root/hook-saw-keys" || fail "the boothook ran before the key was begun"
expect_file /root/hook-saw-host early-four
expect_file /etc/hostname early-four
grep -q " root@early-four$" "$R/etc/ssh/ssh_host_ed25519_key.pub" || fail "the key does not name the host"
expect_absent $P
pass "a datasource found by the network stage: the key begun there, before the boothooks"
