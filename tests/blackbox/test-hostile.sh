#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The hostile input corpus (tests/hostile, see its README): each case is
# user-data with its expected outcome. Every case boots a small real system
# (four stages, as root: commands are chrooted) and must end with every stage
# exiting 0, the vendor-data's script having run in the last stage (the boot
# went on), no temporary file left, nothing named hostile-escape or
# hostile-injected anywhere on the host or outside the target, and each of
# the case's own expectations:
#   expect: TEXT        the output holds TEXT
#   expect-re: RE       a line of the output matches the extended RE
#   expect-not: TEXT    the output does not hold TEXT
#   expect-not-re: RE   no line of the output matches RE
#   file: PATH CONTENT  PATH in the target holds exactly CONTENT
#   absent: PATH        PATH does not exist in the target
#   mode: PATH MODE     owner: PATH UID:GID
#   size: PATH BYTES    lacks: PATH TEXT (PATH, if there, does not hold TEXT)
#   setup: COMMAND      run in the target's directory before the boot
#   body: COMMAND       its output is the user-data (generated inputs)
# CASES=name,name runs only those; SHOW=1 prints each case's output.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
for tool in useradd groupadd usermod chpasswd gzip base64 timeout; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
BASE="$R.base"
cleanup() { rm -rf "$R" "$OUT" "$BASE" "$R.ud" "$R.head"; }

make_target
mkdir -p "$R/etc/ssh" "$R/var/tmp" "$R/var/lib/cloud/seed/nocloud"
echo uninitialized >"$R/etc/machine-id"
printf 'PasswordAuthentication yes\n' >"$R/etc/ssh/sshd_config"
printf 'instance-id: iid-hostile\nlocal-hostname: hostile\n' >"$R/var/lib/cloud/seed/nocloud/meta-data"
printf '#!/bin/sh\necho ok > /var/tmp/vendor-ok\n' >"$R/var/lib/cloud/seed/nocloud/vendor-data"
# no host keys to generate: each would cost a second or more, and ssh is tested elsewhere
mkdir -p "$R/etc/cloud/cloud.cfg.d"
printf 'ssh_genkeytypes: []\n' >"$R/etc/cloud/cloud.cfg.d/10-hostile.cfg"
mv "$R" "$BASE"

n=0
for c in "$TOP_SRCDIR"/tests/hostile/*.case; do
	name=$(basename "$c" .case)
	if [ -n "${CASES:-}" ]; then
		case ",$CASES," in *",$name,"*) ;; *) continue ;; esac
	fi
	rm -rf "$R"
	cp -a "$BASE" "$R"
	sed '/^---$/q' "$c" >"$R.head"
	gen=$(sed -n 's/^# body: //p' "$R.head")
	if [ -n "$gen" ]; then
		sh -c "$gen" >"$R.ud" || fail "$name: its body command failed"
	else
		sed '1,/^---$/d' "$c" >"$R.ud"
	fi
	cp "$R.ud" "$R/var/lib/cloud/seed/nocloud/user-data"
	sed -n 's/^# setup: //p' "$R.head" | while IFS= read -r cmd; do
		(cd "$R" && sh -c "$cmd") || fail "$name: setup '$cmd' failed"
	done
	: >"$OUT"
	for stage in "init --local" "init" "modules --mode config" "modules --mode final"; do
		# shellcheck disable=SC2086
		timeout 120 "$CLOUDBOOT" --root "$R" $stage >>"$OUT" 2>&1 || fail "$name: cloudboot $stage exited $?"
	done
	[ -z "${SHOW:-}" ] || { echo "=== $name"; grep -v 'cloudboot\[INFO\]' "$OUT" || true; }
	[ -e "$R/var/tmp/vendor-ok" ] || fail "$name: the boot did not go on to the vendor script"
	left=$(find "$R" -name '.#*' | head -n 3)
	[ -z "$left" ] || fail "$name: temporary files left: $left"
	for p in /hostile-escape /etc/hostile-escape /tmp/hostile-escape /var/tmp/hostile-injected \
		"${R%/*}/hostile-escape" "${R%/*}/var/hostile-escape"; do
		[ ! -e "$p" ] || fail "$name: $p was written on the host"
	done
	while IFS= read -r line; do
		case $line in
		"# expect: "*)
			t=${line#\# expect: }
			grep -qF -- "$t" "$OUT" || fail "$name: the output lacks '$t'"
			;;
		"# expect-re: "*)
			t=${line#\# expect-re: }
			grep -qE -- "$t" "$OUT" || fail "$name: no output line matches '$t'"
			;;
		"# expect-not: "*)
			t=${line#\# expect-not: }
			! grep -qF -- "$t" "$OUT" || fail "$name: the output holds '$t'"
			;;
		"# expect-not-re: "*)
			t=${line#\# expect-not-re: }
			! grep -qE -- "$t" "$OUT" || fail "$name: an output line matches '$t'"
			;;
		"# lacks: "*)
			t=${line#\# lacks: }
			p=${t%% *}
			[ ! -e "$R$p" ] || ! grep -qF -- "${t#* }" "$R$p" || fail "$name: $p holds '${t#* }'"
			;;
		"# file: "*)
			t=${line#\# file: }
			p=${t%% *}
			[ -f "$R$p" ] || fail "$name: $p was not written"
			[ "$(cat "$R$p")" = "${t#* }" ] || fail "$name: $p holds '$(head -c 80 "$R$p")', expected '${t#* }'"
			;;
		"# absent: "*)
			p=${line#\# absent: }
			[ ! -e "$R$p" ] && [ ! -L "$R$p" ] || fail "$name: $p exists but should not"
			;;
		"# size: "* | "# mode: "* | "# owner: "*)
			kind=${line#\# }
			kind=${kind%%:*}
			t=${line#\# *: }
			case $kind in size) fmt=%s ;; mode) fmt=%a ;; *) fmt=%u:%g ;; esac
			got=$(stat -c "$fmt" "$R${t%% *}") || fail "$name: ${t%% *} is missing"
			[ "$got" = "${t#* }" ] || fail "$name: ${t%% *} has $kind $got, expected ${t#* }"
			;;
		esac
	done <"$R.head"
	n=$((n + 1))
done
[ -n "${CASES:-}" ] || [ $n -ge 200 ] || fail "only $n hostile cases"
pass "$n hostile inputs: each reported as expected, the boot went on, nothing escaped the target"
