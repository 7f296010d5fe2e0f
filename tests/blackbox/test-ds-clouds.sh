#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The JSON metadata clouds of issue #23 section 3 (DigitalOcean, Hetzner,
# Oracle, Vultr, Scaleway, Akamai) against fakemeta serving their documented
# responses (tests/fixtures/ds/<cloud>) at their real addresses, in a network
# namespace of the test's own (as test-ds-netns.sh): found by the DMI
# identity, what each gives (instance-id, cloud_name, cloud_id, platform,
# user-data, vendor-data, network configuration), nothing asked off its
# cloud, and none found on a 404, a timeout or a malformed document.
CB_OWN_NETNS=1
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

LOG="$R.reqlog"
fakemeta_net clouds "$LOG"
# fresh SYS_VENDOR PRODUCT_SERIAL [CHASSIS_ASSET_TAG]: a target with that DMI
# identity, two NICs (eth0, eth1) and systemd-networkd
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R/sys/class/dmi/id" "$R/etc/cloud/cloud.cfg.d" "$R/usr/lib/systemd"
	echo "$1" >"$R/sys/class/dmi/id/sys_vendor"
	echo "Standard PC (i440FX + PIIX, 1996)" >"$R/sys/class/dmi/id/product_name"
	echo "$2" >"$R/sys/class/dmi/id/product_serial"
	echo "${3:-}" >"$R/sys/class/dmi/id/chassis_asset_tag"
	: >"$R/usr/lib/systemd/systemd-networkd"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	# short limits: the failure cases end in seconds
	printf 'datasource:\n' >"$R/etc/cloud/cloud.cfg.d/90-limits.cfg"
	for ds in DigitalOcean Hetzner Oracle Vultr Scaleway Akamai UpCloud AliYun Exoscale; do
		printf '  %s: {timeout: 1, max_wait: 3, retries: 1}\n' "$ds" >>"$R/etc/cloud/cloud.cfg.d/90-limits.cfg"
	done
}
nic() { # NAME IFINDEX MAC
	mkdir -p "$R/sys/class/net/$1/device"
	echo "$2" >"$R/sys/class/net/$1/ifindex"
	echo "$3" >"$R/sys/class/net/$1/address"
	echo 1 >"$R/sys/class/net/$1/type"
}
init() { timeout 120 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "init exited $?"; }
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
expect_none() { # WHY
	expect_query _cloudboot.datasource None
	expect_output_has "$1"
}
expect_instance_file() { # NAME CONTENT
	iid=$(cb query v1.instance_id)
	expect_file "/var/lib/cloud/instances/$iid/$1" "$2"
}
expect_net() { # FILE LINE...
	f=/etc/systemd/network/$1
	[ -f "$R$f" ] || fail "$f was not written"
	shift
	for l in "$@"; do
		grep -qxF "$l" "$R$f" || { cat "$R$f" >&2; fail "$f lacks '$l'"; }
	done
}
expect_key() { # TEXT: one of v1.public_ssh_keys holds it
	cb query v1.public_ssh_keys | grep -qF "$1" || { cb query v1.public_ssh_keys >&2; fail "no public key holds '$1'"; }
}
no_requests() { # WHAT
	[ ! -s "$LOG" ] || { cat "$LOG" >&2; fail "$1: the metadata service was asked"; }
}
# probed_off_cloud CLOUD LISTEN: a plain QEMU machine asks nothing
probed_off_cloud() {
	fresh QEMU 0
	: >"$LOG"
	init
	expect_query _cloudboot.datasource None
	no_requests "$1 off its cloud"
}

# --- DigitalOcean -------------------------------------------------------
serve 169.254.169.254:80 digitalocean ""
fresh DigitalOcean 2756294
nic eth0 2 04:01:2a:0f:2a:01
nic eth1 3 04:01:2a:0f:2a:02
init
expect_query v1.instance_id 2756294
expect_query v1.cloud_name digitalocean
expect_query v1.cloud_id digitalocean
expect_query v1.platform digitalocean
expect_query v1.subplatform "metadata (http://169.254.169.254/metadata/v1.json)"
expect_query v1.local_hostname sample-droplet
expect_query v1.availability_zone nyc3
expect_key "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ do-test@example"
expect_instance_file user-data.txt "#cloud-config
# digitalocean user-data"
expect_instance_file vendor-data.txt "#cloud-config
# digitalocean vendor-data"
expect_net 10-cloudboot-eth0.link "MACAddress=04:01:2a:0f:2a:01" "Name=eth0"
expect_net 10-cloudboot-eth0.network "Address=104.131.20.105/18" \
	"Gateway=104.131.0.1" "Address=10.17.0.5/16" "DNS=8.8.8.8"
expect_net 10-cloudboot-eth1.network "Address=10.132.255.113/16"
grep -q "Gateway=10.132.0.1" "$R/etc/systemd/network/10-cloudboot-eth1.network" &&
	fail "the private interface got a gateway"
grep -q "88888888" "$R/run/cloud-init/instance-data.json" 2>/dev/null &&
	fail "the auth_key reached instance-data.json"
pass "DigitalOcean: droplet metadata, user-data, vendor-data and network from v1.json"
probed_off_cloud DigitalOcean
pass "DigitalOcean: nothing asked off its DMI identity"

serve 169.254.169.254:80 digitalocean "* * status 404"
fresh DigitalOcean 2756294
init
expect_none "DigitalOcean: no droplet metadata at http://169.254.169.254/metadata/v1.json"
pass "DigitalOcean: a 404 finds no datasource"

serve 169.254.169.254:80 digitalocean ""
printf '{"droplet_id": 1, "hostname": ' >"$SRV/metadata/v1.json"
fresh DigitalOcean 2756294
init
expect_none "http://169.254.169.254/metadata/v1.json:"
pass "DigitalOcean: a malformed document finds no datasource"

serve 169.254.169.254:80 digitalocean "* * delay 5000"
fresh DigitalOcean 2756294
init
expect_none "Timeout was reached"
pass "DigitalOcean: a service that does not answer in time finds no datasource"

# --- Hetzner ------------------------------------------------------------
serve 169.254.169.254:80 hetzner ""
fresh Hetzner 123456
nic eth0 2 96:00:00:08:19:da
nic enp7s0 3 86:00:00:aa:5d:f8
init
expect_query v1.instance_id 123456
expect_query v1.cloud_name hetzner
expect_query v1.cloud_id hetzner
expect_query v1.platform hetzner
expect_query v1.subplatform unknown
expect_query v1.local_hostname cloudinit-test
expect_key "test-key@workstation"
expect_instance_file user-data.txt "#cloud-config
# hetzner user-data"
expect_instance_file vendor-data.txt "#cloud-config
# hetzner vendor-data"
expect_net 10-cloudboot-eth0.link "MACAddress=96:00:00:08:19:da" "Name=eth0"
expect_net 10-cloudboot-eth0.network "Address=2a01:4f8:beef:beef::1/64" \
	"DNS=185.12.64.1"
expect_net 10-cloudboot-enp7s0.link "MACAddress=86:00:00:aa:5d:f8" "Name=enp7s0"
expect_net 10-cloudboot-enp7s0.network "DHCP=ipv4"
pass "Hetzner: metadata (YAML), private networks, base64 user-data, vendor_data"
probed_off_cloud Hetzner
pass "Hetzner: nothing asked off its DMI identity"

fresh Hetzner 999
init
expect_none "Hetzner: the instance-id 123456 of http://169.254.169.254/hetzner/v1/metadata is not the DMI serial 999"
pass "Hetzner: an instance-id that is not the DMI serial is refused"

serve 169.254.169.254:80 hetzner "GET /hetzner/v1/userdata status 204"
fresh Hetzner 123456
init
expect_query v1.instance_id 123456
[ ! -s "$R/var/lib/cloud/instances/$(cb query v1.instance_id)/user-data.txt" ] || fail "a 204 gave user-data"
pass "Hetzner: 204 No Content is no user-data"

serve 169.254.169.254:80 hetzner "GET /hetzner/v1/metadata status 404"
fresh Hetzner 123456
init
expect_none "Hetzner: cannot read http://169.254.169.254/hetzner/v1/metadata"
pass "Hetzner: a 404 finds no datasource"

serve 169.254.169.254:80 hetzner ""
printf 'instance-id: [123\n' >"$SRV/hetzner/v1/metadata/.listing"
fresh Hetzner 123456
init
expect_none "http://169.254.169.254/hetzner/v1/metadata:"
pass "Hetzner: malformed YAML finds no datasource"

# --- Oracle -------------------------------------------------------------
ORACLE_RULES="* /opc/v2/* require Authorization:Bearer Oracle 401"
serve 169.254.169.254:80 oracle "$ORACLE_RULES"
fresh QEMU 0 OracleCloud.com
nic ens3 2 02:00:17:05:d1:db
nic ens4 3 00:00:17:02:2b:b1
init
expect_query v1.instance_id ocid1.instance.oc1.phx.anyhqljtniwq6syc3nex55sep5w34qbwmw6TRUNCATED
expect_query v1.cloud_name oracle
expect_query v1.cloud_id oracle
expect_query v1.platform oracle
expect_query v1.subplatform "metadata (http://169.254.169.254/opc/v2/)"
expect_query v1.local_hostname instance-20200320-1400
expect_query v1.availability_zone phx-ad-3
expect_key "oracle-test@example"
expect_instance_file user-data.txt "#cloud-config
# oracle user-data"
expect_net 10-cloudboot-ens3.link "MACAddress=02:00:17:05:d1:db" "Name=ens3"
expect_net 10-cloudboot-ens3.network "DHCP=ipv4" "MTUBytes=9000"
[ ! -e "$R/etc/systemd/network/10-cloudboot-ens4.network" ] ||
	fail "a secondary VNIC was configured without configure_secondary_nics"
grep -q "^  Authorization: Bearer Oracle" "$LOG" || fail "v2 was asked without its header"
pass "Oracle: IMDSv2 with its header, primary VNIC on DHCP with MTU 9000"

fresh QEMU 0 OracleCloud.com
nic ens3 2 02:00:17:05:d1:db
nic ens4 3 00:00:17:02:2b:b1
printf 'datasource: {Oracle: {configure_secondary_nics: true}}\n' >"$R/etc/cloud/cloud.cfg.d/91-oracle.cfg"
init
expect_net 10-cloudboot-ens4.link "MACAddress=00:00:17:02:2b:b1" "Name=ens4"
expect_net 10-cloudboot-ens4.network "Address=10.0.0.231/24"
pass "Oracle: configure_secondary_nics gives the secondary VNIC its static address"
probed_off_cloud Oracle
pass "Oracle: nothing asked off its DMI identity"

# v2 missing: v1 answers, without the header
serve 169.254.169.254:80 oracle ""
mv "$SRV/opc/v2" "$SRV/opc/v1"
fresh QEMU 0 OracleCloud.com
init
expect_query v1.subplatform "metadata (http://169.254.169.254/opc/v1/)"
expect_query v1.cloud_name oracle
awk '/^GET \/opc\/v1\/instance\//{v1=1; next} /^[A-Z]/{v1=0} v1 && /Authorization/{bad=1} END{exit bad}' "$LOG" ||
	fail "v1 was asked with v2's Authorization header"
pass "Oracle: IMDSv1 when v2 is not there"

serve 169.254.169.254:80 oracle ""
printf '[1, 2]' >"$SRV/opc/v2/instance/.listing"
fresh QEMU 0 OracleCloud.com
init
expect_none "http://169.254.169.254/opc/v2/instance/: not a JSON object"
pass "Oracle: an instance document that is not an object finds no datasource"

# --- Vultr --------------------------------------------------------------
serve 169.254.169.254:80 vultr "* * require Metadata-Token:cloudinit 401"
fresh Vultr 42872224
nic ens3 2 56:00:03:1b:4e:ca
nic ens7 3 5a:00:03:1b:4e:ca
init
expect_query v1.instance_id 29bea708-2e6e-480a-90ad-0e6b5d5ad62f
expect_query v1.cloud_name vultr
expect_query v1.cloud_id vultr
expect_query v1.platform vultr
expect_query v1.region us
expect_query v1.local_hostname CLOUDINIT_2
expect_key "vultr-test@example"
expect_instance_file user-data.txt "#cloud-config
# vultr user-data"
expect_instance_file vendor-data.txt "#cloud-config
# vultr vendor-data"
expect_net 10-cloudboot-ens3.link "MACAddress=56:00:03:1b:4e:ca" "Name=ens3"
expect_net 10-cloudboot-ens3.network "Address=2002:19f0:5:28a7::/64"
expect_net 10-cloudboot-ens7.link "MACAddress=5a:00:03:1b:4e:ca" "Name=ens7"
expect_net 10-cloudboot-ens7.network "Address=10.1.112.3/20"
pass "Vultr: v1.json with Metadata-Token, generated network configuration"
probed_off_cloud Vultr
pass "Vultr: nothing asked off its DMI identity"

fresh QEMU 0
mkdir -p "$R/proc"
echo "root=/dev/vda vultr quiet" >"$R/proc/cmdline"
serve 169.254.169.254:80 vultr ""
init
expect_query v1.cloud_name vultr
pass "Vultr: 'vultr' on the kernel command line names the cloud"

serve 169.254.169.254:80 vultr "* * status 500"
fresh Vultr 42872224
init
expect_none "Vultr: no metadata at http://169.254.169.254/v1.json"
pass "Vultr: a server error finds no datasource"

# --- Scaleway -----------------------------------------------------------
SCW_RULES="GET /user_data/* privport 403
GET /vendor_data/* privport 403"
serve 169.254.42.42:80 scaleway "$SCW_RULES"
fresh Scaleway 0
nic ens2 2 de:00:00:aa:bb:cc
init
expect_query v1.instance_id 00000000-0000-0000-0000-000000000000
expect_query v1.cloud_name scaleway
expect_query v1.cloud_id scaleway
expect_query v1.platform scaleway
expect_query v1.availability_zone fr-par-1
expect_query v1.region fr-par
expect_query v1.local_hostname scaleway
expect_key "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABCCCCC"
expect_key "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABDDDDD"
expect_instance_file user-data.txt "#cloud-config
# scaleway user-data"
expect_instance_file vendor-data.txt "#cloud-config
# scaleway vendor-data"
expect_net 10-cloudboot-ens2.network "DHCP=ipv4" "Address=2001:bc8:1640:1a1e::1/64"
pass "Scaleway: conf, user-data and vendor-data from a privileged port, network"

serve 169.254.42.42:80 scaleway "GET /user_data/* status 404
GET /vendor_data/* status 404"
fresh Scaleway 0
init
expect_query v1.instance_id 00000000-0000-0000-0000-000000000000
[ ! -s "$R/var/lib/cloud/instances/$(cb query v1.instance_id)/user-data.txt" ] || fail "a 404 gave user-data"
pass "Scaleway: a 404 on user_data is no user-data"
probed_off_cloud Scaleway
pass "Scaleway: nothing asked off its DMI identity"

serve 169.254.42.42:80 scaleway "GET /conf status 404"
fresh Scaleway 0
init
expect_none "Scaleway: no metadata at http://169.254.42.42/conf?format=json"
pass "Scaleway: a 404 on conf finds no datasource"

# --- Akamai -------------------------------------------------------------
AKAMAI_RULES="PUT /v1/token body akamaitoken123
* /v1/* require Metadata-Token:akamaitoken123 401"
serve 169.254.169.254:80 akamai "$AKAMAI_RULES"
fresh Linode 123456
init
expect_query v1.instance_id 123456
expect_query v1.cloud_name akamai
expect_query v1.cloud_id akamai
expect_query v1.platform akamai
expect_query v1.region us-ord
expect_instance_file user-data.txt "#cloud-config
# akamai user-data"
grep -q "^  Metadata-Token-Expiry-Seconds: 300" "$LOG" || fail "the token was asked without its expiry"
pass "Akamai: token, instance and base64 user-data"
probed_off_cloud Akamai
pass "Akamai: nothing asked off its DMI identity"

serve 169.254.169.254:80 akamai "PUT /v1/token status 403"
fresh Akamai 777
init
expect_query v1.instance_id 777
expect_query v1.cloud_name akamai
pass "Akamai: a refused token leaves the DMI serial as the instance-id, as cloud-init"

fresh Akamai 777
printf 'v4=0;v6=0\n' >"$R/sys/class/dmi/id/board_serial"
: >"$LOG"
init
expect_query v1.instance_id 777
no_requests "Akamai with v4=0;v6=0"
pass "Akamai: the DMI flags v4=0;v6=0 keep it off the network"

# --- UpCloud ------------------------------------------------------------
serve 169.254.169.254:80 upcloud ""
fresh UpCloud 0
echo 00322b68-0096-4042-9406-faad61922128 >"$R/sys/class/dmi/id/product_uuid"
nic eth0 2 3a:d6:ba:4a:36:e7
nic eth1 3 3a:d6:ba:4a:84:cc
nic eth2 4 3a:d6:ba:4a:63:e7
init
expect_query v1.instance_id 00322b68-0096-4042-9406-faad61922128
expect_query v1.cloud_name upcloud
expect_query v1.cloud_id upcloud
expect_query v1.platform upcloud
expect_query v1.subplatform "metadata (http://169.254.169.254/metadata/v1.json)"
expect_query v1.availability_zone fi-hel2
expect_query v1.local_hostname test
expect_key "test2@example.com"
expect_instance_file user-data.txt "#cloud-config
# upcloud user-data"
expect_instance_file vendor-data.txt "#cloud-config
# upcloud vendor-data"
expect_net 10-cloudboot-eth0.network "DHCP=ipv4" "Address=94.237.105.50/32" "DNS=94.237.127.9"
expect_net 10-cloudboot-eth1.network "Address=10.6.3.27/22" "Gateway=10.6.0.1"
expect_net 10-cloudboot-eth2.network "DHCP=ipv6"
pass "UpCloud: server metadata, user-data, vendor-data and network from v1.json"
probed_off_cloud UpCloud
pass "UpCloud: nothing asked off its DMI identity"

serve 169.254.169.254:80 upcloud "* * status 404"
fresh UpCloud 0
init
expect_none "UpCloud: no server metadata at http://169.254.169.254/metadata/v1.json"
pass "UpCloud: a 404 finds no datasource"

# --- AliYun -------------------------------------------------------------
# (100.100.100.200 is served from the server namespace too)
ALIYUN_RULES="PUT /latest/api/token body ecstoken42
* /2016-01-01/* require X-aliyun-ecs-metadata-token:ecstoken42 401"
serve 100.100.100.200:80 aliyun "$ALIYUN_RULES"
fresh "Alibaba Cloud" 0
echo "Alibaba Cloud ECS" >"$R/sys/class/dmi/id/product_name"
nic eth0 2 00:16:3e:14:59:58
init
expect_query v1.instance_id i-bp15ojxppkmsnyjxxxxx
expect_query v1.cloud_name aliyun
expect_query v1.cloud_id aliyun
expect_query v1.platform aliyun
expect_query v1.local_hostname aliyun-test-vm-00
expect_key "ssh-rsa AAAAB3Nza aliyun-skp"
expect_instance_file user-data.txt "#cloud-config
# aliyun user-data"
expect_instance_file vendor-data.txt "#cloud-config
# aliyun vendor-data"
expect_net 10-cloudboot-eth0.network "DHCP=ipv4"
grep -q "^  X-aliyun-ecs-metadata-token-ttl-seconds: 21600" "$LOG" || fail "the token was asked without its TTL"
pass "AliYun: token, meta-data/all, user-data, vendor-data, network"
probed_off_cloud AliYun
pass "AliYun: nothing asked off its DMI identity"

serve 100.100.100.200:80 aliyun "PUT /latest/api/token status 403"
fresh "Alibaba Cloud" 0
echo "Alibaba Cloud ECS" >"$R/sys/class/dmi/id/product_name"
init
expect_none "AliYun: no API token from http://100.100.100.200/latest/api/token"
pass "AliYun: a refused token finds no datasource"

serve 100.100.100.200:80 aliyun "PUT /latest/api/token body ecstoken42
GET /2016-01-01/user-data status 404
GET /2016-01-01/vendor-data status 404"
fresh "Alibaba Cloud" 0
echo "Alibaba Cloud ECS" >"$R/sys/class/dmi/id/product_name"
init
expect_query v1.instance_id i-bp15ojxppkmsnyjxxxxx
pass "AliYun: no user-data or vendor-data (404) is none"

# --- Exoscale -----------------------------------------------------------
serve 169.254.169.254:80 exoscale ""
fresh "Exoscale" 0
echo "Exoscale Compute Platform" >"$R/sys/class/dmi/id/product_name"
init
expect_query v1.instance_id 1e3a6e48-3ad4-4e06-9d2c-3b9fd9a9bd06
expect_query v1.cloud_name exoscale
expect_query v1.cloud_id exoscale
expect_query v1.platform exoscale
expect_query v1.subplatform "metadata (http://169.254.169.254)"
expect_query v1.local_hostname myname
expect_query v1.availability_zone ch-gva-2
expect_key "exoscale-test@example"
expect_instance_file user-data.txt "#cloud-config
# exoscale user-data"
# no password server here: asked, refused, and the datasource still found
# (test-ds-password.sh serves one)
expect_output_has "Exoscale: failed to read from the password server at http://169.254.169.254:8080/1.0/"
pass "Exoscale: the 1.0/meta-data tree and user-data"
probed_off_cloud Exoscale
pass "Exoscale: nothing asked off its DMI identity"

serve 169.254.169.254:80 exoscale "GET /1.0/user-data status 404"
fresh "Exoscale" 0
echo "Exoscale Compute Platform" >"$R/sys/class/dmi/id/product_name"
init
expect_query v1.instance_id 1e3a6e48-3ad4-4e06-9d2c-3b9fd9a9bd06
pass "Exoscale: no user-data (404) is none"

serve 169.254.169.254:80 exoscale "GET /1.0/meta-data/instance-id status 404"
fresh "Exoscale" 0
echo "Exoscale Compute Platform" >"$R/sys/class/dmi/id/product_name"
init
expect_none "Exoscale: no metadata service at http://169.254.169.254/1.0/meta-data/instance-id"
pass "Exoscale: no instance-id finds no datasource"

# --- CloudStack ---------------------------------------------------------
cs_fresh() {
	fresh "Apache Software Foundation" 0
	echo "CloudStack KVM Hypervisor" >"$R/sys/class/dmi/id/product_name"
}
serve 169.254.169.254:80 cloudstack ""
cs_fresh
mkdir -p "$R/run/systemd/netif/leases"
printf 'ADDRESS=169.254.0.2\nSERVER_ADDRESS=169.254.169.254\n' >"$R/run/systemd/netif/leases/2"
init
expect_query v1.instance_id i-3-29-VM
expect_query v1.cloud_name cloudstack
expect_query v1.cloud_id cloudstack
expect_query v1.platform cloudstack
expect_query v1.subplatform "metadata (http://169.254.169.254/)"
expect_query v1.local_hostname cs-vm-1
expect_query v1.availability_zone zone1
expect_key "cloudstack-test@example"
expect_instance_file user-data.txt "#cloud-config
# cloudstack user-data"
expect_output_has "CloudStack: the virtual router is 169.254.169.254, from a systemd-networkd lease"
pass "CloudStack: the virtual router from a networkd lease, its meta-data tree and user-data"

cs_fresh
mkdir -p "$R/var/lib/dhcp"
printf 'lease {\n  interface "eth0";\n  option dhcp-server-identifier 10.9.9.9;\n}\nlease {\n  interface "eth0";\n  option dhcp-server-identifier 169.254.169.254;\n}\n' >"$R/var/lib/dhcp/dhclient.eth0.leases"
init
expect_query v1.instance_id i-3-29-VM
expect_output_has "CloudStack: the virtual router is 169.254.169.254, from a dhclient lease"
pass "CloudStack: the virtual router from the newest dhclient lease"

cs_fresh
mkdir -p "$R/proc/net"
printf 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\tFEA9FEA9\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t0000FEA9\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n' >"$R/proc/net/route"
init
expect_query v1.instance_id i-3-29-VM
expect_output_has "CloudStack: the virtual router is 169.254.169.254, from the default gateway"
pass "CloudStack: the virtual router from the default route"

cs_fresh
mkdir -p "$R/var/lib/cloud/seed/cs"
printf 'instance-id: i-seeded\nlocal-hostname: seeded\n' >"$R/var/lib/cloud/seed/cs/meta-data"
printf '#cloud-config\n# seeded\n' >"$R/var/lib/cloud/seed/cs/user-data"
: >"$LOG"
init
expect_query v1.instance_id i-seeded
expect_query v1.subplatform "seed-dir (/var/lib/cloud/seed/cs)"
no_requests "CloudStack with a seed"
pass "CloudStack: a seed in /var/lib/cloud/seed/cs is used without the network"

cs_fresh
init
expect_none "CloudStack: no virtual router found"
pass "CloudStack: no lease and no default route finds no datasource"
probed_off_cloud CloudStack
pass "CloudStack: nothing asked off its DMI identity"

serve 169.254.169.254:80 cloudstack "GET /latest/meta-data/instance-id status 404"
cs_fresh
mkdir -p "$R/run/systemd/netif/leases"
printf 'SERVER_ADDRESS=169.254.169.254\n' >"$R/run/systemd/netif/leases/2"
init
expect_none "CloudStack: no metadata service at http://169.254.169.254/latest/meta-data/instance-id"
pass "CloudStack: no instance-id finds no datasource"

cs_fresh
mkdir -p "$R/run/systemd/netif/leases"
printf 'SERVER_ADDRESS=169.254.169.254\nDNS=6.6.6.6\n' >"$R/run/systemd/netif/leases/1"
printf 'SERVER_ADDRESS=169.254.169.254/../../x\n' >"$R/run/systemd/netif/leases/0"
serve 169.254.169.254:80 cloudstack ""
init
expect_query v1.instance_id i-3-29-VM
pass "CloudStack: a lease value that is not an address is skipped"

# --- hostile metadata ---------------------------------------------------
# (tools/gen-hostile feeds seed files, not a metadata service: the hostile
# values of these clouds are served here.) A value with a line break never
# becomes a line of a network file; the rest still applies.
serve 169.254.169.254:80 digitalocean ""
sed -i 's|"ip_address": "104.131.20.105"|"ip_address": "104.131.20.105\\nDNS=6.6.6.6"|; s|"hostname": "sample-droplet"|"hostname": "evil\\nhost"|; s|"8.8.8.8"|"8.8.8.8\\nDNS=6.6.6.7"|' "$SRV/metadata/v1.json"
fresh DigitalOcean 2756294
nic eth0 2 04:01:2a:0f:2a:01
nic eth1 3 04:01:2a:0f:2a:02
init
expect_query v1.instance_id 2756294
expect_query v1.local_hostname 2756294
expect_output_has "DigitalOcean: interfaces.public[0].ipv4 ip_address is not an address; the interface is left out"
expect_output_has "DigitalOcean: dns.nameservers[2] is not an address; left out"
expect_net 10-cloudboot-eth1.network "Address=10.132.255.113/16"
! grep -rq "6\.6\.6\." "$R/etc/systemd/network" || fail "an injected line reached a network file"
[ ! -e "$R/etc/systemd/network/10-cloudboot-eth0.network" ] || fail "the hostile public NIC was written"
pass "DigitalOcean: values with line breaks are left out, the rest applies"

serve 169.254.169.254:80 vultr ""
sed -i 's|"mac": "5a:00:03:1b:4e:ca",|"mac": "5a:00:03:1b:4e:ca", "mtu": "1500\\n[Network]",|' "$SRV/v1.json"
fresh Vultr 42872224
nic ens3 2 56:00:03:1b:4e:ca
nic ens7 3 5a:00:03:1b:4e:ca
init
expect_output_has "Vultr: interfaces[1].mtu is not an MTU; the interface is left out"
expect_net 10-cloudboot-ens3.network "DHCP=ipv4"
[ ! -e "$R/etc/systemd/network/10-cloudboot-ens7.network" ] || fail "the hostile NIC was written"
pass "Vultr: an MTU with a line break leaves its NIC out"

serve 169.254.169.254:80 oracle ""
sed -i 's|"macAddr" : "02:00:17:05:D1:DB"|"macAddr" : "02:00:17:05:D1:DB\\nName=x"|' "$SRV/opc/v2/vnics/.listing"
fresh QEMU 0 OracleCloud.com
nic ens3 2 02:00:17:05:d1:db
init
expect_query v1.cloud_name oracle
expect_output_has "Oracle: vnics[0].macAddr is not a MAC address; left out"
[ ! -e "$R/etc/systemd/network/10-cloudboot-ens3.link" ] || fail "the hostile VNIC was written"
pass "Oracle: a macAddr with a line break is left out"

serve 169.254.169.254:80 hetzner ""
sed -i 's|- address: 2a01:4f8:beef:beef::1/64|- address: "2a01:4f8:beef:beef::1/64\\nDNS=6.6.6.6"|' "$SRV/hetzner/v1/metadata/.listing"
fresh Hetzner 123456
nic eth0 2 96:00:00:08:19:da
init
expect_query v1.instance_id 123456
! grep -rq "6\.6\.6\." "$R/etc/systemd/network" 2>/dev/null || fail "an injected line reached a network file"
pass "Hetzner: a network-config address with a line break is refused"

serve 169.254.169.254:80 digitalocean "* * huge 40000000"
fresh DigitalOcean 2756294
init
expect_none "DigitalOcean: no droplet metadata at http://169.254.169.254/metadata/v1.json"
pass "DigitalOcean: a document past the size limit finds no datasource"

serve 169.254.169.254:80 akamai "PUT /v1/token body tok
* /v1/instance redirect http://198.51.100.1/v1/instance"
fresh Akamai 777
init
expect_query v1.instance_id 777
expect_output_has "Akamai: cannot read http://169.254.169.254/v1/instance"
pass "Akamai: a redirect to another host is not followed"
