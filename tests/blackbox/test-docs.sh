#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The man pages and the bash completion agree with the program: every
# command and every option that --help shows is in cloudboot(1) and in the
# completion, and every key that `schema --docs` lists is in cloudboot-config(5).
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

MAN1="$TOP_SRCDIR/man/cloudboot.1.in"
MAN5="$TOP_SRCDIR/man/cloudboot-config.5.in"
COMP="$TOP_SRCDIR/data/bash-completion/cloudboot"
# roff escapes hyphens: compare with them removed
man1=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$MAN1")
man5=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$MAN5")

cmds=$("$CLOUDBOOT" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p; s/^  \([a-z][a-z-]*\)$/\1/p')
[ -n "$cmds" ] || fail "no commands in --help"
for c in $cmds generator; do
	printf '%s\n' "$man1" | grep -q "^\.B $c\b\|^\.TP\n\.B $c" ||
		printf '%s\n' "$man1" | grep -q "^\.B $c" || fail "cloudboot(1) does not describe '$c'"
	grep -q "commands=\".*\b$c\b" "$COMP" || fail "the completion does not offer '$c'"
	"$CLOUDBOOT" $c --help >"$OUT" 2>&1 || fail "$c --help"
	for o in $(grep -o -- '--[a-z][a-z-]*' "$OUT" | sort -u); do
		case $o in --root | --probe-devices | --debug | --help) continue ;; esac
		printf '%s\n' "$man1" | grep -q -- "$o" || fail "cloudboot(1) lacks $c's option $o"
		sed -n "/^\t$c) /p" "$COMP" | grep -q -- "$o\b" || fail "the completion lacks $c's option $o"
	done
done
for o in $("$CLOUDBOOT" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	printf '%s\n' "$man1" | grep -q -- "$o" || fail "cloudboot(1) lacks the global option $o"
done

"$CLOUDBOOT" schema --docs >"$OUT" || fail "schema --docs"
[ "$(wc -l <"$OUT")" -ge 40 ] || fail "schema --docs lists too few keys"
for k in $(cut -f1 "$OUT" | sort -u); do
	printf '%s\n' "$man5" | grep -q "^\.BR\? .*\b$k\b" || fail "cloudboot-config(5) does not describe '$k'"
done
for m in $(cut -f3 "$OUT" | sort -u); do
	printf '%s\n' "$man5" | grep -q "$m" || fail "cloudboot-config(5) does not name module $m"
done

# the completion is valid bash and completes a command and an option
if command -v bash >/dev/null 2>&1; then
	bash -n "$COMP" || fail "the completion is not valid bash"
	got=$(bash -c '. "$1"; COMP_WORDS=(cloudboot sta); COMP_CWORD=1; _cloudboot; echo "${COMPREPLY[*]}"' _ "$COMP")
	[ "$got" = status ] || fail "completing 'sta' gave '$got'"
	got=$(bash -c '. "$1"; COMP_WORDS=(cloud-init status --w); COMP_CWORD=2; _cloudboot; echo "${COMPREPLY[*]}"' _ "$COMP")
	[ "$got" = --wait ] || fail "completing 'status --w' gave '$got'"
fi
pass "man pages and completion agree with --help and the schema"
