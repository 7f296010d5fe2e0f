# SPDX-License-Identifier: Apache-2.0
# Provisioned from a NoCloud seed fetched over HTTP in the network stage.
check http-server-served grep -q '^GET /user-data' /run/vm-httpseed.log
check http-user-agent grep -q 'User-Agent: cloudboot/' /run/vm-httpseed.log
check http-local-stage-left-it sh -c 'journalctl -b -u cloudboot-local.service | grep -q "No local datasource found"'
check http-network-stage-found sh -c 'journalctl -b -u cloudboot.service | grep -q "Found DataSourceNoCloud \[seed=http://127.0.0.1:8008/\]"'
check http-subplatform test "$(cloudboot query v1.subplatform)" = "seed-url (http://127.0.0.1:8008/)"
check http-instance-id test "$(cloudboot query v1.instance_id)" = iid-vm-http
check http-hostname test "$(hostname)" = vm-http
check http-authorized-keys test "$(stat -c %a:%U /home/tester/.ssh/authorized_keys)" = 600:tester
check http-write-files grep -qx fetched-over-http /etc/vm-http.conf
check http-status cloudboot status
