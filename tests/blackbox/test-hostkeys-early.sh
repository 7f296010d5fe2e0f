#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The host keys are started in init-local (the ssh module's early hook), made
# into /run/cloud-init/cloudboot-hostkeys while init-local goes on, and taken
# by the ssh module in the network stage: the same keys, modes and comment as
# ssh-keygen would give there. Under --root init-local waits for them; the
# network stage waits for the lock their keygen holds. Nothing is made early
# when the user-data supplies keys, and keys made for another host name are
# made again.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
command -v ssh-keygen >/dev/null || { echo "SKIP: ssh-keygen is not installed"; exit 77; }
EARLY=/run/cloud-init/cloudboot-hostkeys

fresh() { # USER-DATA
	rm -rf "$R" "$OUT"
	mkdir -p "$R/etc/ssh" "$R/etc/cloud"
	printf 'cloud_init_modules: [set_hostname, ssh]\ncloud_config_modules: []\ncloud_final_modules: []\n' \
		>"$R/etc/cloud/cloud.cfg"
	seed "instance-id: i-early-1
local-hostname: early-host
" "$1"
}
local_stage() { cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"; }
net_stage() { cb init >>"$OUT" 2>&1 || fail "init exited $?"; }

fresh '#cloud-config
ssh_genkeytypes: [ed25519, ecdsa]
'
local_stage
expect_output_has "Making 2 host keys for the init stage while init-local goes on"
expect_mode $EARLY 700
expect_file $EARLY/comment "root@early-host"
for t in ed25519 ecdsa; do
	expect_mode $EARLY/ssh_host_${t}_key 600
	expect_mode $EARLY/ssh_host_${t}_key.pub 644
	[ ! -e "$R/etc/ssh/ssh_host_${t}_key" ] || fail "init-local wrote /etc/ssh/ssh_host_${t}_key itself"
done
expect_absent $EARLY/ssh_host_rsa_key
made=$(cat "$R$EARLY/ssh_host_ed25519_key.pub")
net_stage
for t in ed25519 ecdsa; do
	expect_mode /etc/ssh/ssh_host_${t}_key 600
	expect_mode /etc/ssh/ssh_host_${t}_key.pub 644
	ssh-keygen -l -f "$R/etc/ssh/ssh_host_${t}_key.pub" >/dev/null || fail "the $t host key is not valid"
	expect_output_has "Generated host key /etc/ssh/ssh_host_${t}_key (in init-local)"
done
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" = "$made" ] || fail "the network stage did not take the key init-local made"
case "$made" in *" root@early-host") ;; *) fail "the key's comment is not root@early-host: $made" ;; esac
expect_absent $EARLY
expect_absent /etc/ssh/ssh_host_rsa_key
pass "init-local makes the host keys, the network stage takes them (modes, comment, only the types asked for)"

# a reboot of the same instance: the ssh module has run, nothing is started
rm -rf "$R/run"
: >"$OUT"
local_stage
grep -q "host keys for the init stage" "$OUT" && fail "init-local made keys for an instance whose ssh module ran"
expect_absent $EARLY
pass "nothing is made early once the instance's ssh module has run"

# keys made for another host name are made again, with the name of now
fresh '#cloud-config
ssh_genkeytypes: [ed25519]
'
local_stage
made=$(cat "$R$EARLY/ssh_host_ed25519_key.pub")
printf 'root@another-host' >"$R$EARLY/comment"
net_stage
expect_output_has "The host keys init-local made are for another host name; making them again"
expect_output_has "Generated host key /etc/ssh/ssh_host_ed25519_key"
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" != "$made" ] || fail "a key made for another host name was taken"
expect_absent $EARLY
pass "keys made for another host name are made again"

# the network stage waits for the keygen's lock
fresh '#cloud-config
ssh_genkeytypes: [ed25519]
'
local_stage
if command -v flock >/dev/null; then
	flock "$R$EARLY/lock" sleep 1 &
	holder=$!
	sleep 0.2
	net_stage
	wait "$holder"
	expect_output_has "Waiting for the host keys init-local started"
	expect_output_has "Generated host key /etc/ssh/ssh_host_ed25519_key (in init-local)"
	pass "the network stage waits for the keys still being made"
fi

# supplied keys: nothing is made, early or late
fresh '#cloud-config
ssh_keys:
  ed25519_private: |
    -----BEGIN OPENSSH PRIVATE KEY-----
    not a real key
    -----END OPENSSH PRIVATE KEY-----
  ed25519_public: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake root@supplied
'
local_stage
expect_absent $EARLY
grep -q "host keys for the init stage" "$OUT" && fail "init-local made keys the user-data supplies"
net_stage
expect_file /etc/ssh/ssh_host_ed25519_key.pub "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake root@supplied"
pass "supplied keys: nothing is made in init-local"

# ssh_deletekeys: false keeps a key there, and only the others are made early
fresh '#cloud-config
ssh_deletekeys: false
ssh_genkeytypes: [ed25519, ecdsa]
'
ssh-keygen -q -t ed25519 -N "" -C kept -f "$R/etc/ssh/ssh_host_ed25519_key"
local_stage
expect_output_has "Making 1 host key for the init stage while init-local goes on"
expect_absent $EARLY/ssh_host_ed25519_key
net_stage
case "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" in *" kept") ;; *) fail "the kept key was replaced" ;; esac
expect_mode /etc/ssh/ssh_host_ecdsa_key 600
pass "ssh_deletekeys: false: a key there is kept, only the missing ones are made"
