# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the blackbox tests: each test runs the built cloudboot
# binary with --root on a fresh temporary tree and checks what it leaves.
set -eu
: "${CLOUDBOOT:?CLOUDBOOT must name the cloudboot binary}"
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"

# A test that sets CB_OWN_NETNS=1 before sourcing this file runs again in a
# network namespace of its own (unshare -n; needs root), where what it serves
# and asks never reaches a real network; it is skipped where that cannot be.
if [ -n "${CB_OWN_NETNS:-}" ] && [ -z "${CB_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then echo "SKIP: unshare or ip missing"; exit 77; fi
	unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi

R=$(mktemp -d /tmp/cloudboot-bb.XXXXXX)
OUT="$R.out"
# A stage run alone may leave the host keys being made for the ssh module
# (init-local begins them): each child holds its lock until done, so wait.
cleanup() {
	for l in "$R"/run/cloud-init/cloudboot-hostkeys/*.lock; do
		[ ! -e "$l" ] || flock -s "$l" true 2>/dev/null || true
	done
	rm -rf "$R" "$OUT"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -s "$OUT" ]; then echo "--- cloudboot output:" >&2; tail -n 30 "$OUT" >&2; fi
	exit 1
}
pass() { echo "ok - $*"; }

# seed META USER: a NoCloud seed directory in the target.
seed() {
	mkdir -p "$R/var/lib/cloud/seed/nocloud"
	printf '%s' "$1" >"$R/var/lib/cloud/seed/nocloud/meta-data"
	printf '%s' "$2" >"$R/var/lib/cloud/seed/nocloud/user-data"
}

cb() { "$CLOUDBOOT" --root "$R" "$@"; }

# One full boot: the four stages in order, each must exit 0.
boot() {
	for stage in "init --local" "init" "modules --mode config" "modules --mode final"; do
		# shellcheck disable=SC2086
		cb $stage >>"$OUT" 2>&1 || fail "cloudboot $stage exited $?"
	done
}

expect_file() { # PATH CONTENT
	[ -e "$R$1" ] || fail "$1 is missing"
	got=$(cat "$R$1")
	[ "$got" = "$2" ] || fail "$1 holds '$got', expected '$2'"
}
expect_mode() { # PATH MODE
	got=$(stat -c %a "$R$1") || fail "$1 is missing"
	[ "$got" = "$2" ] || fail "$1 has mode $got, expected $2"
}
expect_owner() { # PATH UID:GID
	got=$(stat -c %u:%g "$R$1") || fail "$1 is missing"
	[ "$got" = "$2" ] || fail "$1 is owned by $got, expected $2"
}
expect_absent() { [ ! -e "$R$1" ] || fail "$1 exists but should not"; }
expect_status() { # EXIT-CODE [ARGS...]
	want=$1
	shift
	set +e
	cb status "$@" >"$OUT.status" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$OUT.status" >&2; rm -f "$OUT.status"; fail "status exited $got, expected $want"; }
	rm -f "$OUT.status"
}
expect_output_has() { # TEXT
	grep -qF -- "$1" "$OUT" || fail "output lacks '$1'"
}

# make_target: a small but real system in $R for commands to run in (they are
# chrooted there): a static busybox as /bin/sh and its applets, users root and
# debian's groups, shadow files, and a few zoneinfo files. Needs root (chroot).
make_target() {
	[ "$(id -u)" = 0 ] || { echo "SKIP: commands run chrooted in the target: needs root"; exit 77; }
	[ -x /bin/busybox ] || { echo "SKIP: busybox-static is not installed"; exit 77; }
	mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root" "$R/home" "$R/usr/share/zoneinfo/America" \
		"$R/usr/share/zoneinfo/Europe" "$R/usr/share/zoneinfo/Africa" "$R/dev"
	chmod 1777 "$R/tmp"
	cp /bin/busybox "$R/bin/busybox"
	for a in sh echo cat ls mkdir touch rm id env printf date sleep test true false \
		grep sed head tail wc uname hostname chmod cut tr sort; do
		ln -sf busybox "$R/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n' >"$R/etc/passwd"
	printf 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\nsudo:x:27:\naudio:x:29:\ncdrom:x:24:\ndialout:x:20:\ndip:x:30:\nfloppy:x:25:\nnetdev:x:108:\nplugdev:x:46:\nvideo:x:44:\nusers:x:100:\n' >"$R/etc/group"
	printf 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\nsys:*:19000:0:99999:7:::\n' >"$R/etc/shadow"
	sed 's/^\([^:]*\):.*/\1:*::/' "$R/etc/group" >"$R/etc/gshadow"
	chmod 640 "$R/etc/shadow" "$R/etc/gshadow"
	: >"$R/etc/debian_version"
	for z in UTC America/New_York Europe/Paris Africa/Dar_es_Salaam; do
		cp "/usr/share/zoneinfo/$z" "$R/usr/share/zoneinfo/$z"
	done
}

# install_extmod NAME: the built external module (modules/ext/NAME and its
# descriptor) into the target's /usr/lib/cloudboot/modules, with the shared
# libraries it needs, since cloudboot runs it chrooted in the target.
install_extmod() {
	d="$R/usr/lib/cloudboot/modules"
	prog="$TOP_BUILDDIR/modules/ext/$1"
	[ -x "$prog" ] || fail "modules/ext/$1 is not built"
	mkdir -p "$d"
	install -m 0755 "$prog" "$d/$1"
	install -m 0644 "$prog.json" "$d/$1.json"
	for lib in $(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		mkdir -p "$R$(dirname "$lib")"
		[ -e "$R$lib" ] || cp -L "$lib" "$R$lib"
	done
	# json-c is loaded with dlopen when the first JSON is read: not in ldd
	lib=$(ldconfig -p | sed -n 's/.*libjson-c\.so\.5 .*=> \(\/.*\)/\1/p' | head -n1)
	if [ -n "$lib" ] && [ ! -e "$R$lib" ]; then
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	fi
}

# fakemeta_net NAME LOG: the clouds' metadata addresses (169.254.169.254,
# 169.254.42.42, 100.100.100.200) on a veth peer in a second namespace,
# cbtest-NAME-PID, for serve; fakemeta logs the requests it answers to LOG.
# Run in the test's own namespace (CB_OWN_NETNS=1). The cleanup at exit stops
# the server and removes the namespace and the files.
fakemeta_net() {
	: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
	FIX="$TOP_SRCDIR/tests/fixtures/ds"
	NS=cbtest-$1-$$
	SRV="$R.srv"
	META_LOG=$2
	SRVPID=
	trap fakemeta_cleanup EXIT
	ip link set lo up
	ip netns add "$NS" || { echo "SKIP: ip netns add failed"; exit 77; }
	ip link add cb0 type veth peer name cb1 netns "$NS"
	ip addr add 169.254.0.2/16 dev cb0
	ip addr add 100.100.100.2/24 dev cb0
	ip link set cb0 up
	ip -n "$NS" link set lo up
	ip -n "$NS" addr add 169.254.169.254/16 dev cb1
	ip -n "$NS" addr add 169.254.42.42/16 dev cb1
	ip -n "$NS" addr add 100.100.100.200/24 dev cb1
	ip -n "$NS" link set cb1 up
}
fakemeta_cleanup() {
	[ -z "$SRVPID" ] || kill "$SRVPID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.port" "$META_LOG"
}

# fakemeta_start PORTFILE COMMAND...: COMMAND (fakemeta with its arguments,
# or `ip netns exec NS fakemeta ...`) in the background as $SRVPID; returns
# once it listens, with the port it wrote to PORTFILE in $PORT.
fakemeta_start() {
	_portfile=$1
	shift
	: >"$_portfile"
	"$@" >"$_portfile" &
	SRVPID=$!
	_i=0
	while [ ! -s "$_portfile" ]; do
		sleep 0.05
		_i=$((_i + 1))
		[ $_i -lt 200 ] || fail "fakemeta did not start: $*"
	done
	PORT=$(cat "$_portfile")
}

# serve LISTEN FIXTURE RULES: fakemeta (in place of the one before) serving
# tests/fixtures/ds/FIXTURE, a copy in $SRV the test may change, at LISTEN,
# with its RULES (tests/helpers/fakemeta.c) and its log emptied.
serve() {
	[ -z "$SRVPID" ] || { kill "$SRVPID"; wait "$SRVPID" 2>/dev/null || true; }
	rm -rf "$SRV"
	cp -r "$FIX/$2" "$SRV"
	chmod -R u+w "$SRV" # distcheck: the source tree is read-only
	printf '%s\n' "$3" >"$R.rules"
	: >"$META_LOG"
	fakemeta_start "$R.port" ip netns exec "$NS" "$FAKEMETA" --listen "$1" --rules "$R.rules" --log "$META_LOG" "$SRV"
}
