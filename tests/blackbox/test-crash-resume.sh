#!/bin/sh
# A crash in the middle of a module leaves no semaphore for it, so the next
# boot redoes it. The process is killed (SIGKILL, as a power cut) after each
# file write of the init stage in turn; every time, a rerun ends with every
# file written and the semaphore set. Needs a build with --enable-test-hooks.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

[ "${TEST_HOOKS:-no}" = yes ] || { echo "SKIP: built without --enable-test-hooks"; exit 77; }

USER_DATA="#cloud-config
write_files:
  - {path: /etc/one, content: '1'}
  - {path: /etc/two, content: '2'}
  - {path: /etc/three, content: '3'}
"
mid_module=0
n=1
while [ $n -le 40 ]; do
	rm -rf "$R"/*
	seed "instance-id: crash
" "$USER_DATA"
	cb init --local >>"$OUT" 2>&1 || fail "init --local"
	set +e
	CLOUDBOOT_TEST_KILL_AT_WRITE=$n "$CLOUDBOOT" --root "$R" init >>"$OUT" 2>&1
	rc=$?
	set -e
	[ $rc = 0 ] && break # fewer than n writes: the stage finished
	[ $rc = 137 ] || fail "init killed at write $n exited $rc, expected 137 (SIGKILL)"
	sem="$R/var/lib/cloud/instances/crash/sem/config_write_files"
	if [ -e "$R/etc/one" ] && [ ! -e "$R/etc/three" ]; then
		# killed inside write_files: its semaphore must not be there
		[ ! -e "$sem" ] || fail "killed at write $n inside write_files, but its semaphore exists"
		mid_module=$((mid_module + 1))
	fi
	# no temp file is left where a file would have been
	! ls -a "$R/etc" 2>/dev/null | grep -q '^\.#' || fail "a temp file was left in /etc after write $n"
	cb init >>"$OUT" 2>&1 || fail "init after a kill at write $n"
	expect_file /etc/one 1
	expect_file /etc/two 2
	expect_file /etc/three 3
	[ -e "$sem" ] || fail "no semaphore after the rerun (killed at write $n)"
	n=$((n + 1))
done
[ $n -gt 3 ] || fail "the init stage made only $((n - 1)) writes"
[ $mid_module -ge 2 ] || fail "only $mid_module kills landed inside write_files"
pass "killed at each of $((n - 1)) writes; $mid_module inside write_files; every rerun completed it"
