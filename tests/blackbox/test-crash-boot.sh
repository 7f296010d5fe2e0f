#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Power loss at every file write of a full first boot. For each stage in turn
# and each of its writes N, cloudboot is killed with SIGKILL (through a kill
# point compiled in only with --enable-test-hooks) in the middle of write N,
# and again right after it; then the machine "reboots": the four stages run
# again. Each time:
#  - right after the kill, no temporary file is left and every file cloudboot
#    wrote is either as it was before the boot or as complete as after a
#    clean boot, never truncated or half-written;
#  - after the reboot, the tree is identical to a clean first boot followed by
#    a second boot: same paths, types, modes, owners and contents. Contents
#    that differ between two clean runs anyway (logs, timestamps, the random
#    machine-id) are compared by type, mode and owner only.
# Under valgrind (make check VALGRIND=1) only the cuts in the middle of each
# write are made: the cuts after them run the same code, at twice the time.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
[ "${TEST_HOOKS:-no}" = yes ] || { echo "SKIP: built without --enable-test-hooks"; exit 77; }
for tool in useradd groupadd usermod chpasswd; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
BASE="$R.base"
cleanup() { rm -rf "$R" "$OUT" "$BASE" "$R".snap*; }

KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyForCrashTestAlice000000000000000000 a@test"
make_target
mkdir -p "$R/etc/ssh" "$R/var/tmp"
echo uninitialized >"$R/etc/machine-id"
printf '127.0.0.1 localhost\n' >"$R/etc/hosts"
printf 'PasswordAuthentication yes\n' >"$R/etc/ssh/sshd_config"
seed "instance-id: iid-crash
local-hostname: crashy
public-keys: ['$KEY']
" "#cloud-config
hostname: crashy
fqdn: crashy.example.com
manage_etc_hosts: true
timezone: Europe/Paris
ssh_genkeytypes: []
ssh_pwauth: false
users:
  - default
  - {name: alice, groups: [adm], sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: ['$KEY']}
chpasswd: {expire: false, users: [{name: alice, password: '\$6\$salt\$hash', type: hash}]}
write_files:
  - {path: /etc/app/one.conf, content: 'one', permissions: '0640'}
  - {path: /etc/app/two.conf, content: 'two', owner: 'alice:alice'}
  - {path: /etc/app/late.conf, content: 'late', defer: true}
bootcmd:
  - echo boot > /var/tmp/bootcmd.out
runcmd:
  - echo ran > /var/tmp/runcmd.out
"
cp -a "$R" "$BASE"

STAGES="init --local|init|modules --mode config|modules --mode final"
stage() { # the Nth stage's arguments
	echo "$STAGES" | cut -d'|' -f"$1"
}
fresh() { rm -rf "$R" && cp -a "$BASE" "$R"; }
# boot_from K: stages K..4, each must exit 0
boot_from() {
	k=$1
	while [ "$k" -le 4 ]; do
		# shellcheck disable=SC2046
		cb $(stage "$k") >>"$OUT" 2>&1 || fail "cloudboot $(stage "$k") exited $? on the reboot"
		k=$((k + 1))
	done
}
# snap DIR: a line per path: type, mode, owner, and the contents' digest or
# the link's target
snap() {
	(cd "$1" && find . -mindepth 1 -printf '%p %y %m %U:%G %l\n' | sort) >"$2.meta"
	(cd "$1" && find . -type f -exec md5sum {} + | sort -k2) >"$2.sum"
}

# Two clean first boots, each snapshotted, then followed by a second boot and
# snapshotted again: what differs between the two runs is compared by metadata
# only. The reboot after a power cut is the second boot of the instance or,
# when the cut came before the boot recorded it, its first: each file must be
# as after one of the two (previous-instance-id, say, tells them apart).
fresh
boot
snap "$R" "$R.snapA1"
boot
snap "$R" "$R.snapB1"
fresh
boot
snap "$R" "$R.snapA2"
boot
snap "$R" "$R.snapB2"
for x in A B; do
	cmp -s "$R.snap${x}1.meta" "$R.snap${x}2.meta" || {
		diff "$R.snap${x}1.meta" "$R.snap${x}2.meta" >&2 || true
		fail "two clean boots left different paths, modes or owners"
	}
	diff "$R.snap${x}1.sum" "$R.snap${x}2.sum" | sed -n 's/^< [0-9a-f]*  //p' >>"$R.snapvar" || true
done
grep -q '^\./etc/machine-id$' "$R.snapvar" || fail "the machine-id did not differ between two clean boots"
# the references: digests of the deterministic files after one boot and after two
grep -vxF -f "$R.snapvar" "$R.snapA1.sum" >"$R.snaprefA" || true
grep -vxF -f "$R.snapvar" "$R.snapB1.sum" >"$R.snapref" || true
(cd "$BASE" && find . -type f -exec md5sum {} + | sort -k2) >"$R.snapbase"

kills=0
points="IN AT"
[ -z "${CB_VALGRIND:-}" ] || points=IN
for s in 1 2 3 4; do
	for point in $points; do
		n=1
		while :; do
			fresh
			: >"$OUT"
			k=1
			while [ $k -lt $s ]; do
				# shellcheck disable=SC2046
				cb $(stage $k) >>"$OUT" 2>&1 || fail "cloudboot $(stage $k) exited $?"
				k=$((k + 1))
			done
			set +e
			# shellcheck disable=SC2046
			env "CLOUDBOOT_TEST_KILL_${point}_WRITE=$n" "$CLOUDBOOT" --root "$R" $(stage $s) >>"$OUT" 2>&1
			rc=$?
			set -e
			[ $rc = 0 ] && break # the stage made fewer than n writes
			what="$(stage $s) killed $(echo $point | tr A-Z a-z) write $n"
			[ $rc = 137 ] || fail "$what: exited $rc, expected 137 (SIGKILL)"
			kills=$((kills + 1))
			# right after the power cut
			left=$(find "$R" -name '.#*')
			[ -z "$left" ] || fail "$what: temporary files left: $left"
			(cd "$R" && find . -type f -exec md5sum {} + | sort -k2) >"$R.snapnow"
			while read -r sum path; do
				grep -qxF "$sum  $path" "$R.snapref" && continue # as after a clean boot
				grep -qxF "$sum  $path" "$R.snaprefA" && continue
				grep -qxF "$sum  $path" "$R.snapbase" && continue # as before the boot
				grep -qxF "$path" "$R.snapvar" && continue # differs between clean boots anyway
				grep -qF "  $path" "$R.snapref" || continue # not in the end result (a log)
				case $path in
				# updated a line at a time by useradd, groupadd, chpasswd: each
				# step is theirs to make atomic
				./etc/passwd | ./etc/group | ./etc/shadow | ./etc/gshadow | ./etc/passwd- | \
					./etc/group- | ./etc/shadow- | ./etc/gshadow- | ./etc/subuid | ./etc/subgid) ;;
				# written whole by init-local, then again by init (cloud-init
				# records the instance in both): after init-local alone it says
				# there was none before
				./var/lib/cloud/data/previous-instance-id)
					[ "$(cat "$R/var/lib/cloud/data/previous-instance-id")" = NO_PREVIOUS_INSTANCE_ID ] ||
						fail "$what: previous-instance-id holds '$(cat "$R/var/lib/cloud/data/previous-instance-id")'" ;;
				*) fail "$what: $path is neither as before the boot nor complete" ;;
				esac
			done <"$R.snapnow"
			# the reboot
			boot_from 1
			snap "$R" "$R.snapcrash"
			# as after two clean boots or after one: the reboot is the
			# instance's first complete boot when the cut came before the
			# config modules ran (its config stage then starts, and the
			# network stage leaves no cloudboot-skip-config in /run)
			cmp -s "$R.snapB1.meta" "$R.snapcrash.meta" || cmp -s "$R.snapA1.meta" "$R.snapcrash.meta" || {
				diff "$R.snapB1.meta" "$R.snapcrash.meta" >&2 || true
				fail "$what: after the reboot, paths, modes or owners differ from a clean boot"
			}
			while read -r sum path; do
				grep -qxF "$path" "$R.snapvar" && continue
				case $path in
				# the shadow tools' backups: the state before their last change
				./etc/passwd- | ./etc/group- | ./etc/shadow- | ./etc/gshadow-) continue ;;
				esac
				grep -qxF "$sum  $path" "$R.snapref" && continue
				grep -qxF "$sum  $path" "$R.snaprefA" && continue
				fail "$what: after the reboot, $path differs from a clean boot's"
			done <"$R.snapcrash.sum"
			n=$((n + 1))
		done
		[ $n -gt 1 ] || fail "$(stage $s) made no write to kill at"
		echo "# $(stage $s): killed $(echo $point | tr A-Z a-z) each of its $((n - 1)) writes"
	done
done
pass "$kills power cuts during a first boot: never a half-written file, every reboot ends as a clean boot does"
