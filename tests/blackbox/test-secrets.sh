#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Secrets never reach a log: marker secrets planted in user-data (plain-text
# and hashed passwords, chpasswd text and RANDOM, the default user's password,
# a private host key, the user-data itself, a password under a key of the wrong
# type) and, after a full first boot, searched for in every log, cloudboot's
# stderr, the journal fields it sent, instance-data.json and every
# world-readable file in the target. A file that holds one is not readable by
# others; those cloudboot writes are 0600 (0700 for directories) and root's.
# Run twice: once logging to stderr with --debug, once to the journal (a stand-in
# for journald's socket, in a mount namespace of its own so the host's journal
# is untouched).
if [ -z "${CB_IN_MNTNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot, a mount namespace)"; exit 77; }
	unshare -m true 2>/dev/null || { echo "SKIP: cannot create a mount namespace here"; exit 77; }
	CB_IN_MNTNS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${JOURNALSINK:?JOURNALSINK must name the journalsink test helper}"
for tool in useradd groupadd usermod chpasswd ssh-keygen; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
SINKPID=
cleanup() {
	[ -z "$SINKPID" ] || kill "$SINKPID" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$R.journal" "$R.sink"
}

# A marker per secret: each appears once in user-data and must appear only
# where it belongs.
M_PLAIN=mk-plain-7Rq2 M_HASH=mkhashsalt9Vx M_TEXT=mk-chpasswd-text-4Lp M_DEFAULT=mk-default-pw-8Ns
M_KEY=mkPrivateHostKeyBody3Wd M_UD=mk-userdata-comment-5Tz M_BAD=mk-badtype-pw-2Hc
MARKERS="$M_PLAIN $M_HASH $M_TEXT $M_DEFAULT $M_KEY $M_UD $M_BAD"
USER_DATA="#cloud-config
# $M_UD
users:
  - default
  - {name: alice, plain_text_passwd: $M_PLAIN, lock_passwd: false}
  - {name: bob, hashed_passwd: '\$6\$$M_HASH\$5Xn0J6ZbZ2yQe1lG7dKxQmP2oQ1bD6Gx8lKp0aVvYQ1zE7k3sJ9uPq2rT4wX6yZ8',
     lock_passwd: false}
  - {name: carol}
  - {name: dave}
  - {name: erin}
password: $M_DEFAULT
chpasswd:
  expire: false
  users:
    - {name: carol, password: $M_TEXT, type: text}
    - {name: dave, type: RANDOM}
    - {name: erin, password: $M_BAD, type: [not, a, type]}
ssh_deletekeys: false
ssh_genkeytypes: []
ssh_keys:
  rsa_private: |
    -----BEGIN OPENSSH PRIVATE KEY-----
    $M_KEY
    -----END OPENSSH PRIVATE KEY-----
  rsa_public: ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCpublicpart host@test
"

# provision: a fresh target, a full first boot (stderr and the journal go to $OUT)
provision() {
	rm -rf "$R"/*
	: >"$OUT" # truncated, not replaced: JOURNAL_STREAM names its inode
	: >"$R.journal"
	make_target
	mkdir -p "$R/etc/ssh"
	: >"$R/dev/console"
	chmod 600 "$R/dev/console"
	seed "instance-id: iid-secrets
local-hostname: secrets
" "$USER_DATA"
	chmod 600 "$R/var/lib/cloud/seed/nocloud/user-data" # the input is the image's to guard
	boot
	for k in 1 2 3 4 5 6 7 8 9 10; do [ -s "$R.journal" ] || [ -z "${JOURNAL_STREAM:-}" ] || sleep 0.1; done
	# under --root: the caller's stderr, unless that is the journal; never the image's dev/console
	[ ! -s "$R/dev/console" ] || fail "a RANDOM password was written into the target's dev/console"
	random=$(sed -n 's/^dave:\([A-Za-z0-9]\{20\}\)$/\1/p' "$OUT")
	[ -n "$random" ] || [ -n "${JOURNAL_STREAM:-}" ] || fail "dave's RANDOM password is not on stderr"
	[ -z "$random" ] || [ -z "${JOURNAL_STREAM:-}" ] || fail "dave's RANDOM password went to the journal stream"
}

# scan HOW: every place a secret must not be
scan() {
	for m in $MARKERS $random; do
		for f in "$OUT" "$R"/var/log/cloud-init.log "$R"/var/log/cloud-init-output.log \
			"$R"/run/cloud-init/instance-data.json "$R.journal"; do
			[ "$m:$f" != "$random:$OUT" ] || continue # shown on the caller's stderr by design
			[ ! -e "$f" ] || ! grep -qF -- "$m" "$f" || fail "$1: a secret ($m) is in ${f#"$R"}"
		done
		hits=$(find "$R" -type f -perm -o=r -exec grep -lF -- "$m" {} + 2>/dev/null || true)
		[ -z "$hits" ] || fail "$1: a secret ($m) is in world-readable $hits"
	done
	# where the secrets are: only readable by root (shadow by its group too)
	for m in $MARKERS $random; do
		for f in $(grep -rlF -- "$m" "$R" 2>/dev/null); do
			rel=${f#"$R"}
			case $rel in
			/etc/shadow | /etc/shadow- | /dev/console) continue ;;
			esac
			[ "$(stat -c %u:%a "$f")" = 0:600 ] || fail "$1: $rel holds a secret with owner:mode $(stat -c %u:%a "$f")"
			d=${f%/*}
			while [ "$d" != "$R" ] && [ "$d" != "$R/var/lib/cloud" ] && [ "$d" != "$R/run/cloud-init" ]; do
				case $(stat -c %a "$d") in
				700 | 755 | 750) ;;
				*) fail "$1: ${d#"$R"} (above a secret) has mode $(stat -c %a "$d")" ;;
				esac
				d=${d%/*}
			done
		done
	done
	# and each secret is where it belongs
	grep -qF "$M_KEY" "$R/etc/ssh/ssh_host_rsa_key" || fail "$1: the private host key was not written"
	expect_mode /etc/ssh/ssh_host_rsa_key 600
	expect_owner /etc/ssh/ssh_host_rsa_key 0:0
	grep -qF "$M_HASH" "$R/etc/shadow" || fail "$1: bob's hash is not in /etc/shadow"
	! grep -qF -e "$M_PLAIN" -e "$M_TEXT" -e "$M_DEFAULT" -e "${random:-$M_PLAIN}" "$R/etc/shadow" ||
		fail "$1: a plain-text password is in /etc/shadow"
	for u in alice carol debian dave; do
		grep -q "^$u:\\\$" "$R/etc/shadow" || fail "$1: $u has no hashed password"
	done
	for f in user-data.txt user-data.txt.i cloud-config.txt; do
		expect_mode "/var/lib/cloud/instances/iid-secrets/$f" 600
	done
	expect_mode /run/cloud-init/instance-data-sensitive.json 600
	expect_mode /run/cloud-init/instance-data.json 644
	expect_mode /var/log/cloud-init.log 640
	grep -qF "erin" "$R/var/log/cloud-init.log" || fail "$1: erin's bad password type is not reported"
	pass "$1: no secret outside its 0600 files; each where it belongs"
}

provision
: >"$OUT"
CLOUDBOOT_SAVED=$CLOUDBOOT
cb() { "$CLOUDBOOT_SAVED" --debug --root "$R" "$@"; }
provision
scan "stderr with --debug"
cb() { "$CLOUDBOOT_SAVED" --root "$R" "$@"; }

# The journal: journald's socket path in a private /run, JOURNAL_STREAM naming
# cloudboot's stderr as systemd does for a service.
mount -t tmpfs tmpfs /run || { echo "SKIP: cannot mount a tmpfs on /run"; exit 77; }
mkdir -p /run/systemd/journal
"$JOURNALSINK" /run/systemd/journal/socket "$R.journal" >"$R.sink" &
SINKPID=$!
i=0
until [ -s "$R.sink" ]; do
	sleep 0.05
	i=$((i + 1))
	[ $i -lt 200 ] || fail "journalsink did not start"
done
: >"$OUT"
JOURNAL_STREAM=$(stat -c %d:%i "$OUT")
export JOURNAL_STREAM
provision
grep -q "SYSLOG_IDENTIFIER=cloudboot" "$R.journal" || fail "nothing reached the journal"
grep -q "MESSAGE=init/users_groups: " "$R.journal" || fail "the journal lacks the modules' messages"
! grep -q "^cloudboot\[" "$OUT" || fail "logged to stderr as well as to the journal"
scan "journal"
