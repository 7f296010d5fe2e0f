#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Ec2 beyond IMDSv2: the IMDSv1 fallback off AWS (and its switch), region and
# availability zone from the instance identity document, and the network
# config from network/interfaces/macs (primary and secondary NICs, secondary
# addresses with their subnet's prefix), against fakemeta on 127.0.0.1
# serving the documented responses in tests/fixtures/ds/ec2 (and
# ec2-multinic). As root it runs in a network namespace of its own.
if [ -z "${CB_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null &&
	unshare -n true 2>/dev/null; then
	CB_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ -z "${CB_IN_NETNS:-}" ] || ip link set lo up
. "$TOP_SRCDIR/tests/blackbox/lib.sh"
: "${FAKEMETA:?FAKEMETA must name the fakemeta test helper}"

FIX="$TOP_SRCDIR/tests/fixtures/ds"
EXAMPLE="$TOP_SRCDIR/data/examples/nocloud"
SRV="$R.srv"
SRVPID=
stop_server() {
	[ -z "$SRVPID" ] || { kill "$SRVPID" 2>/dev/null; wait "$SRVPID" 2>/dev/null || true; }
	SRVPID=
}
cleanup() {
	stop_server
	rm -rf "$R" "$OUT" "$SRV" "$R.rules" "$R.srvlog" "$R.port"
}
serve() { # RULES
	stop_server
	: >"$R.srvlog"
	printf '%s\n' "$1" >"$R.rules"
	fakemeta_start "$R.port" "$FAKEMETA" --rules "$R.rules" --log "$R.srvlog" "$SRV"
}
srv_files() { # [OVERLAY]
	rm -rf "$SRV"
	cp -r "$FIX/ec2" "$SRV"
	[ -z "${1:-}" ] || cp -r "$FIX/$1/." "$SRV/"
	chmod -R u+w "$SRV" # distcheck: the source tree is read-only
	cp "$EXAMPLE/user-data" "$SRV/2021-03-23/user-data"
}
fresh() { # [DMI-VENDOR]
	rm -rf "$R" "$OUT"
	mkdir -p "$R/etc/cloud/cloud.cfg.d"
	printf 'cloud_init_modules: []\ncloud_config_modules: []\ncloud_final_modules: []\n' >"$R/etc/cloud/cloud.cfg"
	if [ -n "${1:-}" ]; then
		mkdir -p "$R/sys/class/dmi/id"
		echo "$1" >"$R/sys/class/dmi/id/sys_vendor"
		echo t3.micro >"$R/sys/class/dmi/id/product_name"
		echo ec2e1916-9099-7caf-fd21-012345abcdef >"$R/sys/class/dmi/id/product_uuid"
	fi
}
cfg() { # EXTRA Ec2 settings
	printf 'datasource_list: [Ec2, None]\ndatasource:\n  Ec2: {metadata_urls: ["http://127.0.0.1:%s"], timeout: 1, max_wait: 4, retries: 1%s}\n' \
		"$PORT" "${1:+, $1}" >"$R/etc/cloud/cloud.cfg.d/90-test.cfg"
}
init() { timeout 60 "$CLOUDBOOT" --root "$R" init >"$OUT" 2>&1 || fail "init exited $?"; }
expect_query() { # KEY VALUE
	got=$(cb query "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query $1 gives '$got', expected '$2'"
}
expect_srv_has() { grep -qF -- "$1" "$R.srvlog" || fail "the server saw no '$1'"; }
expect_srv_lacks() { ! grep -qF -- "$1" "$R.srvlog" || fail "the server saw '$1'"; }
V1_RULES="PUT /latest/api/token status 404"
V2_RULES="PUT /latest/api/token body AQAEAtoken==
* * require X-aws-ec2-metadata-token:AQAEAtoken== 401"

# --- IMDSv1 fallback ---------------------------------------------------------------
srv_files
serve "$V1_RULES"
fresh
cfg
init
expect_query v1.instance_id i-1234567890abcdef0
expect_output_has "Ec2: no IMDSv2 session token; http://127.0.0.1:$PORT answers IMDSv1, which is used"
expect_srv_has "GET /2021-03-23/user-data"
expect_srv_lacks "X-aws-ec2-metadata-token:"
pass "Ec2: the token endpoint is missing (404): IMDSv1, as cloud-init off AWS"

serve "$V1_RULES"
fresh
cfg "imdsv1_fallback: false"
init
expect_query _cloudboot.datasource None
expect_output_has "IMDSv1 is not used (datasource.Ec2.imdsv1_fallback: false)"
expect_srv_lacks "GET /"
pass "Ec2: imdsv1_fallback: false turns the fallback off"

# On AWS (its DMI identity) cloud-init never falls back: no token, no IMDS.
serve "PUT /latest/api/token status 403"
fresh "Amazon EC2"
cfg
init
expect_query _cloudboot.datasource None
expect_output_has "its IMDS HTTP endpoint is disabled"
expect_srv_lacks "GET /"
serve "$V1_RULES"
fresh "Amazon EC2"
cfg
init
expect_query _cloudboot.datasource None
expect_output_has "IMDSv1 is not used (on AWS, as cloud-init)"
expect_srv_lacks "GET /"
pass "Ec2: on AWS a missing or disabled token endpoint ends the probe (no IMDSv1)"

serve "$V1_RULES"
fresh "Amazon EC2"
cfg "imdsv1_fallback: true"
init
expect_query v1.instance_id i-1234567890abcdef0
pass "Ec2: imdsv1_fallback: true allows IMDSv1 on AWS too"

# IMDSv1 refused too (it wants a token): None, bounded.
serve "PUT /latest/api/token status 404
* * require X-aws-ec2-metadata-token:AQAEAtoken== 401"
fresh
cfg
init
expect_query _cloudboot.datasource None
expect_output_has "Ec2: neither IMDSv2 nor IMDSv1 answers"
pass "Ec2: neither IMDSv2 nor IMDSv1: None"

# --- region and availability zone ----------------------------------------------------
srv_files
sed -i 's/"availabilityZone" : "us-east-1a"/"availabilityZone" : "eu-central-1b"/; s/"region" : "us-east-1"/"region" : "eu-central-1"/' \
	"$SRV/2021-03-23/dynamic/instance-identity/document"
serve "$V2_RULES"
fresh
cfg
init
expect_query v1.region eu-central-1
expect_query v1.availability_zone eu-central-1b
expect_srv_has "GET /2021-03-23/dynamic/instance-identity/document"
pass "Ec2: region and availability zone from the instance identity document"

printf '{"region": "eu-central-1",\n "availabilityZone": }\n' >"$SRV/2021-03-23/dynamic/instance-identity/document"
rm "$SRV/2021-03-23/meta-data/placement/region"
fresh
cfg
init
expect_query v1.availability_zone us-east-1a
expect_query v1.region us-east-1
expect_output_has "/2021-03-23/dynamic/instance-identity/document:2:"
pass "Ec2: a malformed identity document: the placement's zone, the region from it"

rm "$SRV/2021-03-23/dynamic/instance-identity/document"
fresh
cfg
init
expect_query v1.availability_zone us-east-1a
pass "Ec2: no identity document (404): the placement's zone"

# --- network config from the MACs ------------------------------------------------------
nics() {
	mkdir -p "$R/usr/lib/systemd" "$R/sys/class/net/lo"
	: >"$R/usr/lib/systemd/systemd-networkd"
	i=2
	for nm in ens5:0e:49:61:0f:c3:11 ens6:0e:5e:21:aa:bb:02; do
		n=${nm%%:*}
		mkdir -p "$R/sys/class/net/$n/device"
		echo $i >"$R/sys/class/net/$n/ifindex"
		echo "${nm#*:}" >"$R/sys/class/net/$n/address"
		echo 1 >"$R/sys/class/net/$n/type"
		i=$((i + 1))
	done
}
srv_files ec2-multinic
serve "$V2_RULES"
fresh
nics
cfg
init
P=/etc/systemd/network/10-cloudboot-ens5.network
S=/etc/systemd/network/10-cloudboot-ens6.network
[ -f "$R$P" ] || fail "$P was not written: $(ls "$R/etc/systemd/network" 2>&1)"
[ -f "$R$S" ] || fail "$S was not written"
grep -qx "MACAddress=0e:49:61:0f:c3:11" "$R$P" || fail "$P does not match the primary's MAC"
grep -qx "DHCP=yes" "$R$P" || fail "$P: the primary has ipv6s: DHCP for both families"
for a in 10.251.50.13/20 10.251.50.14/20 2600:1f18:47b:ff01::a2/64; do
	grep -qx "Address=$a" "$R$P" || fail "$P lacks the secondary address $a"
done
! grep -q "Address=10.251.50.12/" "$R$P" || fail "$P has the primary address as a static one"
grep -qx "MACAddress=0e:5e:21:aa:bb:02" "$R$S" || fail "$S does not match the secondary's MAC"
grep -qx "DHCP=ipv4" "$R$S" || fail "$S: the secondary NIC has no ipv6s: DHCPv4 only"
! grep -q "^Address=" "$R$S" || fail "$S has a static address"
pass "Ec2: network config v2 from the MACs: both NICs, secondary addresses with their prefix"

# apply_full_imds_network_config: false: the primary NIC only, DHCP only.
fresh
nics
cfg "apply_full_imds_network_config: false"
init
[ -f "$R$P" ] || fail "$P was not written"
[ ! -e "$R$S" ] || fail "$S was written though only the primary is configured"
! grep -q "^Address=" "$R$P" || fail "$P has static addresses"
pass "Ec2: apply_full_imds_network_config: false configures the primary NIC with DHCP only"

# Hostile values: an address that is not one, a CIDR block that is not one.
M="$SRV/2021-03-23/meta-data/network/interfaces/macs/0e:49:61:0f:c3:11"
printf '10.251.50.12\n10.251.50.999\n10.251.50.14\n' >"$M/local-ipv4s"
printf '10.251.48.0/2x0' >"$M/subnet-ipv4-cidr-block"
printf 'x\n2600:1f18:47b:ff01::a2\nAddress=1.2.3.4/8' >"$M/ipv6s"
fresh
nics
cfg
init
expect_output_has "Ec2: network/interfaces/macs/0e:49:61:0f:c3:11/local-ipv4s: a line is not an IP address; left out"
expect_output_has "Ec2: cannot parse subnet-ipv4-cidr-block of 0e:49:61:0f:c3:11; the secondary addresses get /24"
grep -qx "Address=10.251.50.14/24" "$R$P" || fail "$P lacks 10.251.50.14/24"
! grep -q "999\|1.2.3.4" "$R$P" || fail "$P has a refused address"
pass "Ec2: addresses and prefixes are checked before they reach the network config"
