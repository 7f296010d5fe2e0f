#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Host keys begun by init-local (docs/pipeline.md, "Slow work begun a stage
# early"): only for a new net-mode instance whose config is whole, and the
# key made early is the one the ssh module installs.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
command -v ssh-keygen >/dev/null 2>&1 || { echo "SKIP: ssh-keygen is not installed"; exit 77; }
make_target
mkdir -p "$R/etc/ssh" "$R/etc/cloud/cloud.cfg.d"
: >"$R/dev/console"
echo 'ssh_genkeytypes: [ed25519]' >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
P=/run/cloud-init/cloudboot-hostkeys

# includes left for the network stage: nothing begun, the module makes it
seed "instance-id: iid-early-1
local-hostname: early-one
" "#include
http://127.0.0.1:9/not-there.yaml
"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
expect_absent $P
! grep -q "host key early" "$OUT" || fail "a key was begun for a config with includes to fetch"
boot
grep -q " root@early-one$" "$R/etc/ssh/ssh_host_ed25519_key.pub" || fail "no ed25519 key made by the module"
pass "includes still to fetch: no key begun, the module makes it"

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

# dsmode local: the init modules run in init-local itself, which makes the key
sed -i 's/iid-early-2/iid-early-3/' "$R/var/lib/cloud/seed/nocloud/meta-data"
echo "dsmode: local" >>"$R/var/lib/cloud/seed/nocloud/meta-data"
: >"$OUT"
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
! grep -q "host key early" "$OUT" || fail "a key was begun for a local-mode instance"
expect_absent $P
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" != "$early" ] || fail "a local-mode new instance kept the key"
pass "dsmode local: the module in init-local makes the key itself"
