#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A full first boot of a small real system with the real tools (useradd,
# chpasswd, ssh-keygen, visudo), as root: users and groups, homes and keys
# with their owners and modes, host keys, sudo, passwords (RANDOM only on the
# console), machine-id, timezone, commands, /etc/hosts; then a second boot.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

for tool in useradd groupadd usermod chpasswd passwd ssh-keygen; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
make_target
mkdir -p "$R/etc/ssh" "$R/etc/cloud/cloud.cfg.d"
: >"$R/dev/console"
echo uninitialized >"$R/etc/machine-id"
printf 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n' >"$R/etc/ssh/sshd_config"
# mallory's home holds a symlink .ssh -> /etc: nothing may be written through it
echo 'mallory:x:1500:1500::/home/mallory:/bin/sh' >>"$R/etc/passwd"
echo 'mallory:x:1500:' >>"$R/etc/group"
mkdir -p "$R/home/mallory"
ln -s /etc "$R/home/mallory/.ssh"

KEY1="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyOneForTheDefaultUser0000000000000 one@test"
KEY2="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyTwoForAlice00000000000000000000000 two@test"
seed "instance-id: iid-prov-1
local-hostname: prov-host
public-keys:
  - $KEY1
" "#cloud-config
hostname: prov
fqdn: prov.example.com
timezone: Europe/Paris
manage_etc_hosts: true
groups:
  - ops: [sys]
users:
  - default
  - name: alice
    gecos: Alice Example
    groups: [adm, ops]
    shell: /bin/sh
    sudo: ALL=(ALL) NOPASSWD:ALL
    lock_passwd: false
    plain_text_passwd: alice-plain-pw
    ssh_authorized_keys:
      - $KEY2
  - name: mallory
    ssh_authorized_keys:
      - $KEY2
chpasswd:
  expire: false
  users:
    - {name: alice, type: RANDOM}
ssh_pwauth: false
bootcmd:
  - echo \"boot \$INSTANCE_ID\" >> /var/tmp/bootcmd.log
runcmd:
  - [sh, -c, 'echo ran > /var/tmp/runcmd.out']
"
mkdir -p "$R/var/tmp"
boot

# users, homes, keys
grep -q '^debian:' "$R/etc/passwd" || fail "the default user was not created"
grep -q '^alice:x:[0-9]*:[0-9]*:Alice Example:/home/alice:/bin/sh$' "$R/etc/passwd" || fail "alice's passwd line"
grep -q '^ops:x:[0-9]*:.*sys' "$R/etc/group" || fail "group ops with member sys"
grep -q '^adm:x:4:.*alice' "$R/etc/group" || fail "alice is not in adm"
uid=$(grep '^alice:' "$R/etc/passwd" | cut -d: -f3)
gid=$(grep '^alice:' "$R/etc/passwd" | cut -d: -f4)
expect_owner /home/alice "$uid:$gid"
expect_mode /home/alice/.ssh 700
expect_owner /home/alice/.ssh "$uid:$gid"
expect_mode /home/alice/.ssh/authorized_keys 600
expect_owner /home/alice/.ssh/authorized_keys "$uid:$gid"
expect_file /home/alice/.ssh/authorized_keys "$KEY2"
duid=$(grep '^debian:' "$R/etc/passwd" | cut -d: -f3)
expect_file /home/debian/.ssh/authorized_keys "$KEY1"
expect_owner /home/debian/.ssh/authorized_keys "$duid:$(grep '^debian:' "$R/etc/passwd" | cut -d: -f4)"
grep -qF 'command="echo '"'"'Please login as the user \"debian\" rather than the user \"root\".'"'"';echo;sleep 10;exit 142" '"$KEY1" \
	"$R/root/.ssh/authorized_keys" || fail "root's key is not behind disable_root_opts"
# nothing through mallory's symlinked ~/.ssh
[ ! -e "$R/etc/authorized_keys" ] || fail "a key was written through mallory's symlinked .ssh"
[ ! -e /etc/authorized_keys ] || fail "a key was written to the host's /etc"
expect_output_has "/home/mallory/.ssh is a symlink; refusing to follow it"

# passwords: hashed, RANDOM on the console only, never in a log
grep -q '^alice:\$y\$' "$R/etc/shadow" || grep -q '^alice:\$6\$' "$R/etc/shadow" || fail "alice has no hashed password"
# under --root: on the caller's stderr ($OUT), never in the image's dev/console
grep -q "^alice:[A-Za-z0-9]\{20\}$" "$OUT" || fail "the RANDOM password is not on stderr"
[ ! -s "$R/dev/console" ] || fail "a RANDOM password was written into the target's dev/console"
random=$(grep '^alice:' "$OUT" | cut -d: -f2)
for f in "$R"/var/log/cloud-init.log "$R"/var/log/cloud-init-output.log "$R"/run/cloud-init/*.json; do
	! grep -q "$random" "$f" || fail "the RANDOM password is in $f"
	# the merged cloud-config holds user-data as it is (as cloud-init's does,
	# like user-data.txt): root's only
	[ "$f" != "$R/run/cloud-init/combined-cloud-config.json" ] || continue
	! grep -q alice-plain-pw "$f" || fail "a plain password is in $f"
done
expect_mode /run/cloud-init/combined-cloud-config.json 600
expect_owner /run/cloud-init/combined-cloud-config.json 0:0
expect_file /etc/ssh/sshd_config.d/50-cloud-init.conf "PasswordAuthentication no"

# sudo
expect_mode /etc/sudoers.d/90-cloud-init-users 440
grep -qx 'alice ALL=(ALL) NOPASSWD:ALL' "$R/etc/sudoers.d/90-cloud-init-users" || fail "alice's sudo rule"
grep -qx 'debian ALL=(ALL) NOPASSWD:ALL' "$R/etc/sudoers.d/90-cloud-init-users" || fail "the default user's sudo rule"
if command -v visudo >/dev/null 2>&1; then
	visudo -c -q -f "$R/etc/sudoers.d/90-cloud-init-users" || fail "visudo rejects the sudo rules"
fi

# host keys, made by ssh-keygen and shown on the console
for t in rsa ecdsa ed25519; do
	expect_mode /etc/ssh/ssh_host_${t}_key 600
	expect_mode /etc/ssh/ssh_host_${t}_key.pub 644
	ssh-keygen -l -f "$R/etc/ssh/ssh_host_${t}_key.pub" >/dev/null || fail "$t host key is not valid"
done
# begun by init-local (the host named first), taken up by the ssh module
for t in rsa ecdsa ed25519; do
	expect_output_has "Making the $t host key early, for the ssh module"
	grep -q " root@prov\$" "$R/etc/ssh/ssh_host_${t}_key.pub" || fail "$t host key's comment"
done
! grep -q "made early names another host" "$OUT" || fail "a host key made early was made again"
expect_absent /run/cloud-init/cloudboot-hostkeys
expect_output_has "-----BEGIN SSH HOST KEY FINGERPRINTS-----"
expect_output_has "-----END SSH HOST KEY KEYS-----"

# machine-id, timezone, hosts, commands, final message
grep -qx '[0-9a-f]\{32\}' "$R/etc/machine-id" || fail "no fresh machine-id"
[ "$(readlink "$R/var/lib/dbus/machine-id")" = /etc/machine-id ] || fail "dbus machine-id link"
[ "$(readlink "$R/etc/localtime")" = /usr/share/zoneinfo/Europe/Paris ] || fail "localtime link"
expect_file /etc/timezone Europe/Paris
grep -qx '127.0.1.1 prov.example.com prov' "$R/etc/hosts" || fail "/etc/hosts"
expect_file /var/tmp/bootcmd.log "boot iid-prov-1"
expect_file /var/tmp/runcmd.out ran
expect_output_has "Cloud-init v. "
[ -s "$R/var/lib/cloud/instances/iid-prov-1/boot-finished" ] || fail "boot-finished"
# mallory's keys failed: the boot says so
expect_status 2

# a second boot: per-instance work is not redone, per-boot work is
first_id=$(cat "$R/etc/machine-id")
first_key=$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")
: >"$OUT"
boot
[ "$(cat "$R/etc/machine-id")" = "$first_id" ] || fail "machine-id changed on a reboot"
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" = "$first_key" ] || fail "host keys changed on a reboot"
[ "$(grep -c '^alice:' "$R/etc/passwd")" = 1 ] || fail "alice created twice"
expect_file /var/tmp/bootcmd.log "boot iid-prov-1
boot iid-prov-1"
! grep -q "Created user" "$OUT" || fail "users created again on a second boot"

# a clone: new instance-id, so a new machine-id and new host keys
sed -i 's/iid-prov-1/iid-prov-2/' "$R/var/lib/cloud/seed/nocloud/meta-data"
: >"$OUT"
# init-local alone: the new instance's host keys are begun there, in a
# directory of root's alone, and /etc/ssh is not touched yet
cb init --local >>"$OUT" 2>&1 || fail "init --local exited $?"
expect_mode /run/cloud-init/cloudboot-hostkeys 700
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" = "$first_key" ] || fail "init-local changed /etc/ssh"
for t in rsa ecdsa ed25519; do
	flock -s "$R/run/cloud-init/cloudboot-hostkeys/$t.lock" true || fail "no lock for the $t key"
	expect_mode /run/cloud-init/cloudboot-hostkeys/$t 600
done
early_key=$(cat "$R/run/cloud-init/cloudboot-hostkeys/ed25519.pub")
for stage in init "modules --mode config" "modules --mode final"; do
	# shellcheck disable=SC2086
	cb $stage >>"$OUT" 2>&1 || fail "cloudboot $stage exited $?"
done
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" = "$early_key" ] || fail "the key made early was not the one installed"
expect_absent /run/cloud-init/cloudboot-hostkeys
[ "$(cat "$R/etc/machine-id")" != "$first_id" ] || fail "a new instance kept the machine-id"
[ "$(cat "$R/etc/ssh/ssh_host_ed25519_key.pub")" != "$first_key" ] || fail "a new instance kept the host keys"
pass "full provisioning with the real tools, a second boot and a clone"
