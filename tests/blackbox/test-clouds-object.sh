#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The cloud datasources are cloudboot-clouds.so, loaded when one is probed
# (src/ds/clouds.h): found next to the binary (or in PKGLIBDIR), refused
# when someone other than its owner may write it or when another build made
# it, and a boot without it still ends with None and a warning naming why.
# Ec2 is the datasource asked for, served by fakemeta on 127.0.0.1. As root
# it runs in a network namespace of its own.
if [ -z "${CB_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null &&
	unshare -n true 2>/dev/null; then
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ -z "${CB_IN_NETNS:-}" ] || ip link set lo up
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"
OBJ="$(dirname "$CLOUDBOOT")/cloudboot-clouds.so"
[ -f "$OBJ" ] || { echo "SKIP: no cloudboot-clouds.so next to $CLOUDBOOT"; exit 77; }
# under valgrind CLOUDBOOT is a wrapper: the copies are of the binary itself
BIN=${CLOUDBOOT_REAL:-$CLOUDBOOT}

SRV="$R.srv"
BINDIR="$R.bin"
SRVPID=
cleanup() {
	[ -z "$SRVPID" ] || { kill "$SRVPID" 2>/dev/null; wait "$SRVPID" 2>/dev/null || true; }
	rm -rf "$R" "$OUT" "$SRV" "$BINDIR" "$R.srvlog" "$R.port" "$R.rules" "$R.c" "$R.other.so"
}
cp -r "$TOP_SRCDIR/tests/fixtures/ds/ec2" "$SRV"
chmod -R u+w "$SRV" # distcheck: the source tree is read-only
printf 'PUT /latest/api/token status 404\n' >"$R.rules"
fakemeta_start "$R.port" "$FAKEMETA" --rules "$R.rules" --log "$R.srvlog" "$SRV"

# init_with [OBJECT-MODE [OBJECT]]: the network stage of a copy of the
# binary in a directory of its own, with the object (or OBJECT) beside it
# unless no mode is given
init_with() {
	rm -rf "$R" "$BINDIR"
	mkdir -p "$R/etc/cloud/cloud.cfg.d" "$BINDIR"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	printf 'datasource_list: [Ec2, None]\ndatasource:\n  Ec2: {metadata_urls: ["http://127.0.0.1:%s"], timeout: 1, max_wait: 4, retries: 1}\n' \
		"$PORT" >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
	cp "$BIN" "$BINDIR/cloudboot"
	if [ -n "${1:-}" ]; then
		cp "${2:-$OBJ}" "$BINDIR/cloudboot-clouds.so"
		chmod "$1" "$BINDIR/cloudboot-clouds.so"
	fi
	timeout 60 "$BINDIR/cloudboot" --root "$R" init >"$OUT" 2>&1 || fail "init exited $?"
}
expect_ds() {
	got=$("$BINDIR/cloudboot" --root "$R" query _cloudboot.datasource 2>&1)
	[ "$got" = "$1" ] || fail "the datasource is '$got', expected '$1'"
}

init_with 0755
expect_ds Ec2
grep -q "cannot be loaded" "$OUT" && fail "the object beside the binary was not loaded"
grep -qF "GET /2021-03-23/meta-data" "$R.srvlog" || fail "Ec2 asked the server nothing"
pass "the object beside the binary is loaded and Ec2 is found through it"

init_with
expect_ds None
expect_output_has "The cloud datasources cannot be loaded"
expect_output_has "only NoCloud, ConfigDrive, Credentials and None are probed"
pass "without the object, a boot ends with None and says why"

init_with 0775
expect_ds None
expect_output_has "cloudboot-clouds.so is not a regular file of root's that only its owner can write"
init_with 0757
expect_output_has "that only its owner can write"
pass "an object others may write is not loaded"

# an object of another build: the same entry point, another version
if command -v cc >/dev/null; then
	printf '%s\n' '#include <stddef.h>' \
		'struct p { const char *v; size_t a, b, c; const void *l; size_t n; void *u, *d; };' \
		'const struct p cloudboot_clouds = { "0.0.0-other", 0, 0, 0, NULL, 0, NULL, NULL };' >"$R.c"
	cc -shared -fPIC -o "$R.other.so" "$R.c" || fail "cannot build the stand-in object"
	init_with 0755 "$R.other.so"
	rm -f "$R.c" "$R.other.so"
	expect_ds None
	expect_output_has "cloudboot-clouds.so is of another build than this cloudboot"
	pass "an object of another build is refused"
fi
