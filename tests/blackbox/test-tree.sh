#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Rules of the source tree itself: every include in src/ and modules/ points
# down a layer (tools/check-layers), every source file carries the SPDX line
# of the project's license within its first three lines, README.md is at most
# 12 KB and every relative link in it and in docs/ resolves.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

"$TOP_SRCDIR/tools/check-layers" "$TOP_SRCDIR" >"$OUT" 2>&1 || { cat "$OUT"; fail "an include points up a layer"; }

n=0
for f in $("$TOP_SRCDIR/tools/spdx-files" "$TOP_SRCDIR"); do
	head -n 3 "$TOP_SRCDIR/$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' ||
		fail "$f has no SPDX-License-Identifier line"
	n=$((n + 1))
done
[ "$n" -ge 100 ] || fail "only $n source files found"
# README stays short, and every relative link of README and docs/ resolves
size=$(wc -c <"$TOP_SRCDIR/README.md")
[ "$size" -le 12288 ] || fail "README.md is $size bytes (at most 12 KB: move detail to docs/)"
for md in "$TOP_SRCDIR/README.md" "$TOP_SRCDIR"/docs/*.md; do
	dir=$(dirname "$md")
	for link in $(grep -o '](\([^)#]*\)' "$md" | sed 's/^](//' | grep -v '^[a-z]*:' || true); do
		[ -e "$dir/$link" ] || fail "$md links to $link, which does not exist"
	done
done
# every page of docs/ is installed (dist_cbdocs_DATA)
for md in "$TOP_SRCDIR"/docs/*.md; do
	grep -q "docs/$(basename "$md")" "$TOP_SRCDIR/Makefile.am" || fail "docs/$(basename "$md") is not in Makefile.am's dist_cbdocs_DATA"
done
grep -q 'Apache License' "$TOP_SRCDIR/LICENSE" || fail "LICENSE is not the Apache License"
pass "layers and licence lines hold ($n files)"
