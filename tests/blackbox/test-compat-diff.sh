#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The differential test against cloud-init (tests/compat/README.md): every
# compat case runs through cloudboot's four stages on a small real system and
# its normalised state must equal the one recorded from cloud-init 25.1, or
# differ only by lines tests/compat/differences.md explains. Under
# `make check VALGRIND=1` only a subset runs (COMPAT_VALGRIND_CASES); set
# COMPAT_CASES=glob,glob to choose cases, COMPAT_OUT=DIR to keep the states.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
for tool in useradd groupadd usermod chpasswd ssh-keygen; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
make_target
if [ -n "${CB_VALGRIND:-}" ] && [ -z "${COMPAT_CASES:-}" ]; then
	COMPAT_CASES=${COMPAT_VALGRIND_CASES:-corpus-cc_write_files-example1,corpus-cc_runcmd-example1}
	export COMPAT_CASES
fi
set +e
python3 "$TOP_SRCDIR/tests/compat/run" --base-tree "$R" ${COMPAT_OUT:+--out "$COMPAT_OUT"} >"$OUT" 2>&1
rc=$?
set -e
cat "$OUT"
grep -q '^compat: [0-9]* same, [0-9]* documented, [0-9]* failing, [0-9]* unrecorded$' "$OUT" ||
	fail "tests/compat/run printed no summary"
[ $rc = 0 ] || fail "tests/compat/run: a case differs from cloud-init in a way differences.md does not explain"
pass "compat: $(tail -n 1 "$OUT" | sed 's/^compat: //')"
