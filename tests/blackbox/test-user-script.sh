#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# User-data that is a "#!" script: stored as instance/scripts/part-001 (0700)
# and run once per instance in the final stage, chrooted in the target, with
# its output in cloud-init-output.log.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

make_target
mkdir -p "$R/var/tmp"
seed "instance-id: iid-script
" "#!/bin/sh
echo \"script ran as \$(id -u)\" >> /var/tmp/script.out
echo output-of-the-script
"
boot
expect_mode /var/lib/cloud/instances/iid-script/scripts/part-001 700
expect_file /var/tmp/script.out "script ran as 0"
grep -q output-of-the-script "$R/var/log/cloud-init-output.log" || fail "the script's output is not in cloud-init-output.log"
expect_mode /var/lib/cloud/instances/iid-script/cloud-config.txt 600
expect_status 0
# a second boot of the same instance does not run it again
boot
expect_file /var/tmp/script.out "script ran as 0"
pass "a user-data script runs once per instance"
