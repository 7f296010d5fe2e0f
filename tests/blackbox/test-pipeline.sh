#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# One pipeline, one instance model (docs/pipeline.md): a first boot processes
# each user-data and vendor-data part once across the four stages; a second
# boot of the same instance opens user-data.txt, vendor-data.txt and the .i
# files zero times in every stage (strace) and processes no part; a changed
# vendor-data or system config file makes the model be built again and its new
# value applies; a broken model is built again. Also the on-disk layout that
# cloud-init leaves: cloud-id, scripts/ and handlers/, sem/consume_data,
# data/previous-*.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
make_target
IID=iid-pipeline
IDIR=/var/lib/cloud/instances/$IID
LOG=$R/var/log/cloud-init.log
B="==pipeline-boundary=="
seed "instance-id: $IID
" "Content-Type: multipart/mixed; boundary=\"$B\"
MIME-Version: 1.0

--$B
Content-Type: text/cloud-config

hostname: pipe-host
# the word jinja here makes no template
--$B
Content-Type: text/cloud-config
Merge-Type: list(append)+dict(recurse_array)+str()

runcmd: ['echo part2 >/var/tmp/part2.out']
--$B
Content-Type: text/x-shellscript

#!/bin/sh
echo ran >>/var/tmp/script.out
--$B
Content-Type: text/cloud-boothook

#!/bin/sh
echo \$INSTANCE_ID >>/var/tmp/boothook.out
--$B--
"
mkdir -p "$R/var/tmp"
printf '#cloud-config\nfinal_message: vendor-one\nntp_vendor_marker: 1\n' >"$R/var/lib/cloud/seed/nocloud/vendor-data"

# ccc_says VALUE: the final_message combined-cloud-config.json holds (the
# file the network stage writes, from its kept copy when nothing changed;
# query merges the config itself)
ccc_says() {
	grep -q "\"final_message\": \"$1\"" "$R/run/cloud-init/combined-cloud-config.json" ||
		fail "combined-cloud-config.json does not say final_message $1: $(grep final_message "$R/run/cloud-init/combined-cloud-config.json")"
}

# processed COUNT KIND: the "processed KIND part" lines of the log, by stage
processed() { grep -o "[a-z-]*: processed $1 part" "$LOG" | sort | uniq -c | awk '{ printf "%s %s;", $2, $1 }'; }

boot
[ "$(processed user-data)" = "init-local: 4;" ] ||
	fail "first boot: user-data parts processed by stage: '$(processed user-data)', expected each of the 4 once, by init-local"
[ "$(processed vendor-data)" = "init-local: 1;" ] ||
	fail "first boot: vendor-data parts processed: '$(processed vendor-data)'"
grep -q "Reading /run/cloud-init/instance-data-sensitive.json for a jinja template" "$LOG" &&
	fail "instance-data was read for jinja though no part is a template"
expect_file /var/tmp/script.out ran
expect_file /var/tmp/boothook.out $IID
expect_file /var/tmp/part2.out part2
[ "$(cb query combined_cloud_config.final_message)" = vendor-one ] || fail "combined_cloud_config.final_message: $(cb query combined_cloud_config.final_message)"
ccc_says vendor-one
grep -q "WARNING.*unknown key 'ntp_vendor_marker'" "$LOG" || fail "vendor-data's warning was not reported"
[ "$(grep -c "WARNING.*unknown key 'ntp_vendor_marker'" "$LOG")" = 1 ] || fail "vendor-data's warning was reported more than once"
grep "WARNING.*unknown key 'ntp_vendor_marker'" "$LOG" | grep -q "WARNING\]: init:" || fail "the warning is not the init stage's"
for m in /run/cloud-init/cloudboot-model $IDIR/cloudboot-model; do
	expect_mode "$m" 600
	head -c 8 "$R$m" | grep -q CBMODEL || fail "$m is not a model"
done
cmp -s "$R/run/cloud-init/cloudboot-model" "$R$IDIR/cloudboot-model" || fail "the two models differ"
pass "first boot: each part processed once (4 user-data, 1 vendor-data), models 0600"

# The layout cloud-init leaves.
[ "$(readlink "$R/run/cloud-init/cloud-id")" = /run/cloud-init/cloud-id-nocloud ] ||
	fail "cloud-id links to '$(readlink "$R/run/cloud-init/cloud-id")'"
expect_file /run/cloud-init/cloud-id-nocloud nocloud
expect_mode /run/cloud-init/cloud-id-nocloud 644
for d in $IDIR/scripts $IDIR/handlers $IDIR/sem /var/lib/cloud/handlers /var/lib/cloud/scripts/per-boot \
	/var/lib/cloud/scripts/per-instance /var/lib/cloud/scripts/per-once /var/lib/cloud/scripts/vendor \
	/var/lib/cloud/seed /var/lib/cloud/sem /var/lib/cloud/data /run/cloud-init/sem; do
	[ -d "$R$d" ] || fail "$d is not a directory"
	expect_mode "$d" 755
done
grep -Eqx '[0-9]+: [0-9]+\.[0-9]+' "$R$IDIR/sem/consume_data" || fail "sem/consume_data holds '$(cat "$R$IDIR/sem/consume_data")'"
expect_mode $IDIR/sem/consume_data 644
consumed=$(cat "$R$IDIR/sem/consume_data")
# init-local wrote NO_PREVIOUS_INSTANCE_ID, init recorded the instance again (cloud-init 25.1)
expect_file /var/lib/cloud/data/previous-instance-id $IID
DS="DataSourceNoCloud: DataSourceNoCloud [seed=/var/lib/cloud/seed/nocloud]"
expect_file /var/lib/cloud/data/previous-datasource "$DS"
expect_file $IDIR/datasource "$DS"
expect_file /var/lib/cloud/data/previous-hostname pipe-host
for f in previous-instance-id previous-datasource previous-hostname; do expect_mode /var/lib/cloud/data/$f 644; done
pass "layout: cloud-id link, scripts/ handlers/ sem/ directories, sem/consume_data, data/previous-*"

# A second boot of the same instance: nothing of user-data or vendor-data is
# opened or processed, by any stage; the boothook runs again.
: >"$LOG"
if [ -z "${CB_VALGRIND:-}" ] && command -v strace >/dev/null 2>&1; then
	for stage in "init --local" "init" "modules --mode config" "modules --mode final"; do
		# shellcheck disable=SC2086
		# LeakSanitizer cannot run under ptrace (sanitizer builds)
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat,openat2,creat,truncate -o "$R.strace" "$CLOUDBOOT" --root "$R" $stage >>"$OUT" 2>&1 ||
			fail "cloudboot $stage exited $? on the second boot"
		opened=$(grep -E '(user|vendor)-data\.txt(\.i)?"' "$R.strace" || true)
		[ -z "$opened" ] || fail "second boot, $stage opened: $opened"
		# no YAML to parse: the system config, the model and the seed's
		# meta-data (init-local) are stored as parsed
		! grep -q 'libyaml' "$R.strace" || fail "second boot, $stage loaded libyaml"
		# the stages after the first read the stored copies of the system
		# config, status.json and the instance data: no JSON parser loaded
		# (json-c), each system config file opened once
		case $stage in
		modules*)
			! grep -q 'libjson-c' "$R.strace" || fail "second boot, $stage loaded json-c"
			[ "$(grep -c 'etc/cloud/cloud\.cfg"' "$R.strace")" -le 1 ] ||
				fail "second boot, $stage opened cloud.cfg more than once"
			;;
		esac
	done
	rm -f "$R.strace"
	how="strace: 0 opens in 4 stages, no libyaml, no json-c after init"
else
	boot
	how="no strace"
fi
[ -z "$(processed user-data)$(processed vendor-data)" ] ||
	fail "second boot processed parts: '$(processed user-data)$(processed vendor-data)'"
grep -q "model: $IDIR/cloudboot-model serves" "$LOG" || fail "the stored model did not serve"
[ "$(grep -c "WARNING\]: init: .*unknown key 'ntp_vendor_marker'" "$LOG")" = 1 ] ||
	fail "the second boot does not report vendor-data's warning once, in init"
expect_file /var/tmp/boothook.out "$IID
$IID"
expect_file /var/tmp/script.out ran
[ "$(cat "$R$IDIR/sem/consume_data")" = "$consumed" ] || fail "sem/consume_data was rewritten"
expect_file /var/lib/cloud/data/previous-instance-id $IID
pass "second boot: user-data, vendor-data and .i files opened 0 times, 0 parts processed ($how)"

# A changed vendor-data: the model is built again and the new value applies.
printf '#cloud-config\nfinal_message: vendor-two\nntp_vendor_marker: 1\n' >"$R/var/lib/cloud/seed/nocloud/vendor-data"
: >"$LOG"
boot
[ "$(processed user-data)" = "init-local: 4;" ] || fail "changed inputs: user-data parts processed: '$(processed user-data)'"
[ "$(cb query combined_cloud_config.final_message)" = vendor-two ] ||
	fail "changed vendor-data: combined_cloud_config.final_message is '$(cb query combined_cloud_config.final_message)'"
ccc_says vendor-two
grep -q "vendor-two" "$R$IDIR/vendor-cloud-config.txt" ||
	fail "vendor-cloud-config.txt was not rewritten"
pass "a changed vendor-data is processed again and applies"

# A changed system config file alone: built again; its value applies.
mkdir -p "$R/etc/cloud/cloud.cfg.d"
printf 'final_message: from-syscfg\n' >"$R/etc/cloud/cloud.cfg.d/10-final.cfg"
printf '#cloud-config\nntp_vendor_marker: 1\n' >"$R/var/lib/cloud/seed/nocloud/vendor-data"
boot
printf 'final_message: syscfg-two\n' >"$R/etc/cloud/cloud.cfg.d/10-final.cfg"
: >"$LOG"
boot
[ "$(processed user-data)" = "init-local: 4;" ] || fail "changed cloud.cfg.d: user-data parts processed: '$(processed user-data)'"
[ "$(cb query combined_cloud_config.final_message)" = syscfg-two ] ||
	fail "changed cloud.cfg.d: combined_cloud_config.final_message is '$(cb query combined_cloud_config.final_message)'"
ccc_says syscfg-two
pass "a changed cloud.cfg.d file makes the model be built again, and applies"

# A model that is not intact is never used: built again.
head -c 40 "$R$IDIR/cloudboot-model" >"$R.m" && cat "$R.m" >"$R$IDIR/cloudboot-model" && rm -f "$R.m"
: >"$LOG"
boot
[ "$(processed user-data)" = "init-local: 4;" ] || fail "broken model: parts processed: '$(processed user-data)'"
cmp -s "$R/run/cloud-init/cloudboot-model" "$R$IDIR/cloudboot-model" || fail "the broken model was not replaced"
pass "a torn model is built again"

# The stored copies of the system config, status.json and the instance data:
# torn, or another file's, they are never used (the files are read instead).
RC=$R/run/cloud-init
SC=$R/var/lib/cloud/data/cloudboot-syscfg
for f in $RC/cloudboot-status $RC/cloudboot-instance $SC; do [ -s "$f" ] || fail "no $f after a boot"; done
expect_mode /var/lib/cloud/data/cloudboot-syscfg 600
head -c 30 "$SC" >"$R.m" && cat "$R.m" >"$SC" && rm -f "$R.m"
cp "$RC/cloudboot-status" "$RC/cloudboot-instance"
printf 'final_message: syscfg-three\n' >"$R/etc/cloud/cloud.cfg.d/10-final.cfg"
cb modules --mode config >>"$OUT" 2>&1 || fail "modules-config with broken copies exited $?"
cb modules --mode final >>"$OUT" 2>&1 || fail "modules-final with broken copies exited $?"
grep -q "syscfg-three" "$R/var/lib/cloud/instance/boot-finished" "$OUT" ||
	fail "the changed system config did not apply with a broken stored copy"
[ "$(cb query v1.instance_id)" = "$IID" ] || fail "instance restored from a wrong copy: $(cb query v1.instance_id)"
grep -q '"stage": null' "$R/var/lib/cloud/data/status.json" || fail "status.json not written whole"
pass "torn or mismatched stored copies of system config, status and instance data are not used"

# The system config as parsed is kept across boots: after a reboot (an empty
# /run) no stage parses it, and the first stage repeats what its parse warned
# of, once a boot; a changed file is parsed again.
printf 'final_message: [unclosed\n' >"$R/etc/cloud/cloud.cfg.d/20-broken.cfg"
: >"$LOG"
boot
[ "$(grep -c "WARNING.*20-broken.cfg:.*file ignored" "$LOG")" = 1 ] ||
	fail "a broken system config file was not reported once by the boot that parsed it"
rm -rf "$R/run"
: >"$LOG"
boot
grep -q "Read system config" "$LOG" && fail "a reboot with unchanged files parsed the system config: $(grep "Read system config" "$LOG" | head -1)"
[ "$(grep -c "system config: /var/lib/cloud/data/cloudboot-syscfg serves" "$LOG")" = 4 ] ||
	fail "the stored system config did not serve each of the 4 stages after a reboot"
[ "$(grep -c "WARNING.*20-broken.cfg:.*file ignored" "$LOG")" = 1 ] ||
	fail "after a reboot the broken file's warning was not repeated once: $(grep -c "20-broken.cfg" "$LOG")"
grep "WARNING.*20-broken.cfg:.*file ignored" "$LOG" | grep -q "WARNING\]: init-local:" ||
	fail "the repeated warning is not init-local's"
[ "$(cb query combined_cloud_config.final_message)" = syscfg-three ] ||
	fail "the stored system config lost its value: $(cb query combined_cloud_config.final_message)"
rm -f "$R/etc/cloud/cloud.cfg.d/20-broken.cfg"
printf 'final_message: syscfg-four\n' >"$R/etc/cloud/cloud.cfg.d/10-final.cfg"
rm -rf "$R/run"
: >"$LOG"
boot
grep -q "init-local: Read system config" "$LOG" || fail "a changed system config file was not parsed again after a reboot"
grep -q "20-broken.cfg" "$LOG" && fail "a removed file's warning was repeated"
[ "$(cb query combined_cloud_config.final_message)" = syscfg-four ] ||
	fail "the changed system config did not apply after a reboot: $(cb query combined_cloud_config.final_message)"
ccc_says syscfg-four
pass "the parsed system config serves across reboots, repeats its warnings once a boot, and is parsed again when a file changes"

# The instance data and the combined config as last written
# (docs/pipeline.md): a reboot with the same inputs writes the files from
# the instance's copies, byte for byte (the blocks above change vendor-data
# and the system config with the copies in place); a torn copy is not used:
# the files are made again, the same, and the copy stored again.
IDC=$IDIR/cloudboot-instance-data
CCC=$IDIR/cloudboot-combined-config
for f in $IDC $CCC; do
	[ -s "$R$f" ] || fail "no $f after a boot"
	expect_mode "$f" 600
done
cp "$RC/instance-data.json" "$R.pub" && cp "$RC/instance-data-sensitive.json" "$R.sens" &&
	cp "$RC/combined-cloud-config.json" "$R.comb"
same_files() { # WHAT
	cmp -s "$R.pub" "$RC/instance-data.json" || fail "$1: instance-data.json differs"
	cmp -s "$R.sens" "$RC/instance-data-sensitive.json" || fail "$1: instance-data-sensitive.json differs"
	cmp -s "$R.comb" "$RC/combined-cloud-config.json" || fail "$1: combined-cloud-config.json differs"
	expect_mode /run/cloud-init/instance-data-sensitive.json 600
	expect_mode /run/cloud-init/instance-data.json 644
	expect_mode /run/cloud-init/combined-cloud-config.json 600
}
rm -rf "$R/run"
: >"$LOG"
boot
grep -q "init-local: instance data: as $IDC keeps it" "$LOG" || fail "the kept instance data did not serve a reboot"
grep -q "init: combined config: as $CCC keeps it" "$LOG" || fail "the kept combined config did not serve a reboot"
same_files "from the kept copies"
for f in $IDC $CCC; do head -c 40 "$R$f" >"$R.m" && cat "$R.m" >"$R$f" && rm -f "$R.m"; done
rm -rf "$R/run"
: >"$LOG"
boot
grep -q "keeps it" "$LOG" && fail "a torn copy served: $(grep "keeps it" "$LOG")"
same_files "made again"
for f in $IDC $CCC; do [ "$(wc -c <"$R$f")" -gt 40 ] || fail "the torn $f was not stored again"; done
[ "$(cb query v1.instance_id)" = "$IID" ] || fail "query after kept instance data: $(cb query v1.instance_id)"
rm -f "$R.pub" "$R.sens" "$R.comb"
# The kernel's host name is in the instance data (sys_info.uname), and a first
# boot changes it: the copy serves another name too, filled in.
if [ "$(id -u)" = 0 ] && unshare --uts true 2>/dev/null; then
	rm -rf "$R/run"
	: >"$LOG"
	unshare --uts sh -c 'hostname cb-other-name && exec "$@"' sh "$CLOUDBOOT" --root "$R" init --local >>"$OUT" 2>&1 ||
		fail "init-local under another host name exited $?"
	grep -q "init-local: instance data: as $IDC keeps it" "$LOG" || fail "another host name made the instance data again"
	for f in instance-data.json instance-data-sensitive.json; do
		grep -q '^   "cb-other-name",$' "$RC/$f" || fail "$f: the host name was not filled in: $(grep -A2 '"uname"' "$RC/$f")"
		! grep -q "cloudboot-host-name-" "$RC/$f" || fail "$f: the copy's hole was left in it"
	done
	! grep -q "cb-other-name" "$R$IDC" || fail "the copy holds the host name"
fi
pass "the instance data and the combined config are written from their kept copies on a reboot, and made again when a copy is torn"

# Jinja: a template part (first line) reads instance-data, once.
seed "instance-id: $IID
" "## template: jinja
#cloud-config
final_message: jinja-{{ v1.instance_id }}
"
: >"$LOG"
boot
[ "$(grep -c "for a jinja template" "$LOG")" = 1 ] || fail "instance-data was not read once for the template"
[ "$(cb query combined_cloud_config.final_message)" = "jinja-$IID" ] || fail "template: $(cb query combined_cloud_config.final_message)"
seed "instance-id: $IID
" "#cloud-config
# ## template: jinja
final_message: plain-{{ v1.instance_id }}
"
: >"$LOG"
boot
grep -q "for a jinja template" "$LOG" && fail "a template header past the first line was taken for one"
[ "$(cb query combined_cloud_config.final_message)" = "plain-{{ v1.instance_id }}" ] || fail "not a template: $(cb query combined_cloud_config.final_message)"
pass "jinja: only '## template: jinja' on the first line makes a template"

# The seed's meta-data as parsed is kept across boots (docs/pipeline.md):
# the same bytes after a reboot are not parsed (the strace check above: no
# libyaml); changed ones are parsed again and apply; a broken document is
# parsed and reported at each boot, never kept.
MDF=$R/var/lib/cloud/seed/nocloud/meta-data
expect_mode /var/lib/cloud/data/cloudboot-meta-data 600
printf 'instance-id: %s\nlocal-hostname: md-two\n' "$IID" >"$MDF"
rm -rf "$R/run"
: >"$LOG"
boot
grep -q "meta-data: .* serves" "$LOG" && fail "a changed meta-data was served from the kept parse"
[ "$(cb query v1.local_hostname)" = md-two ] || fail "changed meta-data: local_hostname is $(cb query v1.local_hostname)"
rm -rf "$R/run"
: >"$LOG"
boot
grep -q "init-local: meta-data: /var/lib/cloud/data/cloudboot-meta-data serves /var/lib/cloud/seed/nocloud/meta-data" "$LOG" ||
	fail "the kept meta-data did not serve a reboot"
[ "$(cb query v1.local_hostname)" = md-two ] || fail "kept meta-data: local_hostname is $(cb query v1.local_hostname)"
printf 'instance-id: %s\nlocal-hostname: [broken\n' "$IID" >"$MDF"
for n in 1 2; do
	rm -rf "$R/run"
	: >"$LOG"
	boot
	grep -q "WARNING.*meta-data:[0-9]*:[0-9]*: .*ignoring the meta-data" "$LOG" ||
		fail "boot $n with a broken meta-data did not report it"
done
pass "the seed's meta-data is parsed once per change of its bytes; a broken one is reported at each boot"
