#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 23's failure modes, one table for every HTTP metadata datasource:
# its main document answers 404, does not answer in time, or (where it is
# JSON or YAML) is malformed. Each time the datasource is not found, the
# stage exits 0 with None, the log names the URL, and a
# timeout is bounded by the datasource's limits. fakemeta serves the
# cloud's fixture (tests/fixtures/ds/<cloud>) at its real address in a
# network namespace of the test's own, as test-ds-clouds.sh does. The
# successful reads are in test-ds-clouds.sh, test-ds-netns.sh,
# test-ds-network.sh, test-ds-ec2.sh, test-ds-openstack.sh and
# test-ds-azure.sh.
CB_OWN_NETNS=1
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

fakemeta_net faults "$R.log"
# fresh SYS_VENDOR PRODUCT_NAME SERIAL ASSET_TAG: a target with that identity
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud/cloud.cfg.d" "$R/usr/lib/systemd" "$R/sys/class/net/eth0/device"
	echo "$1" >"$R/sys/class/dmi/id/sys_vendor"
	echo "$2" >"$R/sys/class/dmi/id/product_name"
	echo "$3" >"$R/sys/class/dmi/id/product_serial"
	echo "$4" >"$R/sys/class/dmi/id/chassis_asset_tag"
	echo 0c2b5c4e-0000-0000-0000-000000000000 >"$R/sys/class/dmi/id/product_uuid"
	echo 52:54:00:12:34:56 >"$R/sys/class/net/eth0/address"
	echo 1 >"$R/sys/class/net/eth0/type"
	echo 2 >"$R/sys/class/net/eth0/ifindex"
	: >"$R/usr/lib/systemd/systemd-networkd"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	printf 'datasource:\n' >"$R/etc/cloud/cloud.cfg.d/90-limits.cfg"
	for ds in DigitalOcean Hetzner Oracle Vultr Scaleway Akamai UpCloud AliYun Exoscale CloudStack GCE; do
		printf '  %s: {timeout: 1, max_wait: 3, retries: 1}\n' "$ds" >>"$R/etc/cloud/cloud.cfg.d/90-limits.cfg"
	done
	mkdir -p "$R/run/systemd/netif/leases"
	printf 'SERVER_ADDRESS=169.254.169.254\n' >"$R/run/systemd/netif/leases/2"
}

# NAME LISTEN FIXTURE "VENDOR|PRODUCT|SERIAL|ASSET" FALLBACK SETUP-RULES "METHOD PATH" MALFORMED
# (FALLBACK: empty, none is found; else the instance-id the datasource takes
# from the DMI when its service fails (Akamai, as cloud-init); MALFORMED: the
# broken body, or - where the document is not JSON or YAML)
TABLE='DigitalOcean|169.254.169.254:80|digitalocean|DigitalOcean|Droplet|2756294||||GET /metadata/v1.json|{"droplet_id": 2756294,
Hetzner|169.254.169.254:80|hetzner|Hetzner|vServer|123456||||GET /hetzner/v1/metadata|instance-id: [1, 2
Oracle|169.254.169.254:80|oracle|QEMU|Standard PC|0|OracleCloud.com|||GET /opc/*|{"id": 
Vultr|169.254.169.254:80|vultr|Vultr|VC2|42872224||||GET /v1.json|{"instance-v2-id": [
Scaleway|169.254.42.42:80|scaleway|Scaleway|SCW-DEV1-S|0||||GET /conf|{"id": "x",
Akamai|169.254.169.254:80|akamai|Akamai|Linode|777||777|PUT /v1/token body akamaitoken123|GET /v1/instance|{"id": 
UpCloud|169.254.169.254:80|upcloud|UpCloud|Cloud Server|0||||GET /metadata/v1.json|{"instance_id": "00
AliYun|100.100.100.200:80|aliyun|Alibaba Cloud|Alibaba Cloud ECS|0|||PUT /latest/api/token body ecstoken42|GET /2016-01-01/meta-data/all|{"instance-id": 
Exoscale|169.254.169.254:80|exoscale|Exoscale|Exoscale Compute Platform|0||||GET /1.0/meta-data/instance-id|-
CloudStack|169.254.169.254:80|cloudstack|Apache Software Foundation|CloudStack KVM Hypervisor|0||||GET /latest/meta-data/instance-id|-
GCE|169.254.169.254:80|gce|Google|Google Compute Engine|0||||GET /computeMetadata/v1/instance/id|-'

while IFS='|' read -r name listen fixture vendor product serial asset fallback setup doc malformed; do
	for fault in 404 timeout malformed; do
		case $fault in
		404) rule="$doc status 404" ;;
		timeout) rule="$doc delay 8000" ;;
		malformed)
			[ "$malformed" != - ] || continue
			rule="$doc body $malformed" ;;
		esac
		serve "$listen" "$fixture" "$setup
$rule"
		fresh "$vendor" "$product" "$serial" "$asset"
		start=$(date +%s)
		timeout 120 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "$name, $fault: init exited $?"
		took=$(($(date +%s) - start))
		got=$(cb query _cloudboot.datasource)
		if [ -z "$fallback" ]; then
			[ "$got" = None ] || fail "$name, $fault: the datasource is $got, not None"
			found="finds no datasource"
		else
			[ "$got:$(cb query v1.instance_id)" = "$name:$fallback" ] ||
				fail "$name, $fault: $got, instance $(cb query v1.instance_id), not $name with the DMI's $fallback"
			found="falls back to the DMI's instance-id"
		fi
		path=${doc#* }
		path=${path%\*}
		grep -q "^${doc%% *} $path" "$R.log" || { cat "$R.log" >&2; fail "$name, $fault: $doc was not asked"; }
		grep -qF "http://${listen%:80}$path" "$OUT" || fail "$name, $fault: nothing logged names http://${listen%:80}$path"
		[ "$took" -lt 40 ] || fail "$name, $fault: the stage took ${took}s"
		pass "$name: $fault of $doc $found; logged; ${took}s"
	done
done <<TABLE_END
$TABLE
TABLE_END

# GCE's attributes are its JSON (?recursive=true): malformed, they are
# reported with their URL and position, and GCE is not found.
serve 169.254.169.254:80 gce 'GET /computeMetadata/v1/instance/attributes/ body {"user-data": '
fresh Google "Google Compute Engine" 0 ""
timeout 120 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "GCE, malformed attributes: init exited $?"
[ "$(cb query _cloudboot.datasource)" = None ] || fail "GCE, malformed attributes: found $(cb query _cloudboot.datasource)"
expect_output_has "http://169.254.169.254/computeMetadata/v1/instance/attributes/:1:15: unexpected end of the document"
pass "GCE: malformed attributes JSON finds no datasource; reported with its position"
