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
# found by the network stage: the host name set and the keys begun there
# before the boothooks and modules, taken up by the ssh module, none made again
check http-host-keys-early sh -c 'journalctl -b -u cloudboot.service | grep -q "Making the rsa host key early" && for t in rsa ecdsa ed25519; do grep -q "Made the $t host key early in" /var/log/cloud-init.log || exit 1; done; ! grep -q "made early names another host" /var/log/cloud-init.log && test ! -e /run/cloud-init/cloudboot-hostkeys'
check http-host-key-comment grep -q ' root@vm-http$' /etc/ssh/ssh_host_rsa_key.pub
