# SPDX-License-Identifier: Apache-2.0
# The seed document's example, end to end: nginx from the image's local repo.
check doc-hostname test "$(hostname)" = test-system
check doc-timezone test "$(date +%Z)" = EAT
check doc-nginx-installed dpkg-query -W -f='${Status}' nginx
check doc-nginx-answers bash -c 'exec 3<>/dev/tcp/127.0.0.1/80 && printf "GET / HTTP/1.0\r\n\r\n" >&3 && head -n1 <&3 | grep -q "200 OK"'
check doc-apt-ran grep -q "Installed 1 package with apt" /var/log/cloud-init.log
check doc-status cloudboot status
check doc-no-failed-units sh -c 'test -z "$(systemctl list-units --failed --no-legend --plain)"'
