# SPDX-License-Identifier: Apache-2.0
check broken-status-exit-2 sh -c 'cloudboot status >/dev/null; test $? = 2'
check broken-valid-file-written grep -qx good /etc/good-file
check broken-bad-file-not-written test ! -e /etc/bad-file
check broken-timezone-applied test "$(readlink /etc/localtime)" = /usr/share/zoneinfo/Europe/Paris
check broken-hostname-from-meta-data test "$(hostname)" = vm-broken-md
check broken-error-has-position sh -c 'cloudboot status --long | grep -q "user-data:8:11: hostname: expected string, got list"'
check broken-boot-completes test -s /var/lib/cloud/instance/boot-finished
