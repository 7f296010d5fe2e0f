#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The external modules cloudboot ships (modules/ext/) work through the
# external-module protocol on a target, as a package installs them: a
# cloud-init module of Debian's lists that is not built in is found in
# /usr/lib/cloudboot/modules when one of its keys is set, its descriptor
# (generated from the module's schema) loads, `schema` checks its keys at
# their position, and the program runs in its stage, chrooted in the target,
# with the default user's name.
. "$TOP_SRCDIR/tests/blackbox/lib.sh"

LOG=/var/log/cloud-init.log
fake='#!/bin/sh
echo "${0##*/} $*" >> /calls
cat >> /stdin
'
fresh() {
	rm -rf "$R" "$OUT"
	mkdir -p "$R"
	make_target
	mkdir -p "$R/etc/cloud" "$R/usr/bin" "$R/usr/sbin"
	cp "$TOP_SRCDIR/data/cloud.cfg" "$R/etc/cloud/cloud.cfg"
}
fake_tool() { printf '%s' "$fake" >"$R$1" && chmod 755 "$R$1"; }

# --- byobu: found, described, run in the config stage --------------------------
fresh
install_extmod byobu
for t in /usr/bin/byobu /usr/bin/sudo /usr/bin/debconf-set-selections /usr/sbin/dpkg-reconfigure; do
	fake_tool "$t"
done
"$TOP_BUILDDIR/modules/ext/byobu" --describe | grep -q '"name":"byobu"' || fail "byobu --describe"
seed "instance-id: iid-ext
" "#cloud-config
byobu_by_default: enable-user
"
boot
got=$(cat "$R/calls")
want='sudo -Hu debian byobu-launcher-install
debconf-set-selections 
dpkg-reconfigure byobu --frontend=noninteractive'
[ "$got" = "$want" ] || fail "byobu ran: '$got'"
grep -q 'boolean true' "$R/stdin" || fail "debconf selection not given on stdin"
[ -e "$R/var/lib/cloud/instances/iid-ext/sem/config_byobu" ] || fail "no semaphore for byobu"
! grep -q "needs module byobu" "$R$LOG" || fail "byobu reported as not implemented"
expect_status 0
pass "byobu runs as an external module in the config stage"

# --- a bad value: schema names it with its position -----------------------------
printf '#cloud-config\nbyobu_by_default: sometimes\n' >"$R.bad"
set +e
cb schema -c "$R.bad" >"$OUT" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "schema exited $rc on a bad byobu_by_default"
expect_output_has "$R.bad:2:19: error: byobu_by_default"
pass "schema checks an external module's keys at their position"

# --- not installed: reported as cloud-init's module cloudboot lacks -------------
fresh
seed "instance-id: iid-none
" "#cloud-config
byobu_by_default: enable-user
"
boot
grep -q "needs module byobu, which this cloudboot does not implement" "$R$LOG" || fail "the byobu key passed quietly without the module"
pass "without the program the key is reported"

# --- eco: the configuration-management and container modules, chrooted ------
# ansible, puppet, chef, salt_minion, lxd and snap installed as a package
# would, each run by cloudboot in its stage through the protocol, with fake
# tools recording their argv and stdin: the files they write and the commands
# they run, the secrets (validation key, salt private key, lxd trust password)
# only in their 0600 files or on stdin, never in a log.
fresh
for m in ansible puppet chef salt_minion lxd snap; do install_extmod "$m"; done
for t in /usr/bin/apt-get /usr/bin/systemctl /usr/bin/ansible /usr/bin/puppet \
	/usr/bin/chef-client /usr/bin/lxd /usr/bin/lxc /usr/bin/snap; do
	fake_tool "$t"
done
printf '#!/bin/sh\necho "${0##*/} $*" >> /calls\nshift 3\nexec "$@"\n' >"$R/usr/sbin/runuser"
printf '#!/bin/sh\n[ "$1" = --version ] && { echo "ansible-pull [core 2.19.4]"; exit 0; }\necho "${0##*/} $*" >> /calls\n' >"$R/usr/bin/ansible-pull"
chmod 755 "$R/usr/sbin/runuser" "$R/usr/bin/ansible-pull"
seed "instance-id: iid-eco
" "#cloud-config
ansible:
  install_method: distro
  package_name: ansible-core
  run_user: debian
  pull:
    - url: file:///srv/playbooks.git
      accept_host_key: true
      playbook_names: [site.yml]
puppet:
  package_name: puppet-agent
  conf:
    agent: {server: puppet.example.org, certname: '%i'}
  csr_attributes:
    custom_attributes: {challengePassword: x}
chef:
  server_url: https://chef.example.org
  validation_name: example-validator
  validation_cert: ECO-VALIDATION-KEY-SECRET
  run_list: ['recipe[base]']
salt_minion:
  conf: {master: salt.example.org}
  grains: {role: web}
  public_key: ECO-SALT-PUBLIC
  private_key: ECO-SALT-PRIVATE-SECRET
lxd:
  init: {storage_backend: dir, trust_password: ECO-LXD-TRUST-SECRET}
snap:
  commands:
    - [install, hello-world]
# cloud-init runs lxd and snap on Ubuntu only (their metadata's distros)
unverified_modules: [lxd, cc_snap]
"
boot
calls=$(cat "$R/calls")
for want in \
	'snap install hello-world' \
	'runuser -u debian -- ansible-pull --url=file:///srv/playbooks.git --accept-host-key site.yml' \
	'ansible-pull --url=file:///srv/playbooks.git --accept-host-key site.yml' \
	'apt-get --option=Dpkg::Options::=--force-confold --option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install puppet-agent' \
	'systemctl enable puppet-agent.service' \
	'systemctl start puppet-agent.service' \
	'systemctl enable salt-minion' \
	'systemctl restart salt-minion' \
	'lxd init --auto --storage-backend=dir' \
	'lxd init --preseed'; do
	printf '%s\n' "$calls" | grep -qxF -- "$want" || fail "eco: '$want' not run; ran: $calls"
done
! printf '%s\n' "$calls" | grep -q chef-client || fail "eco: chef-client ran without exec"
grep -q '^\[agent\]$' "$R/etc/puppet/puppet.conf" || fail "eco: puppet.conf lacks [agent]"
grep -qx 'certname = iid-eco' "$R/etc/puppet/puppet.conf" || fail "eco: certname not substituted"
grep -q '"challengePassword": "x"' "$R/etc/puppet/csr_attributes.yaml" || fail "eco: csr_attributes"
grep -qx 'chef_server_url        "https://chef.example.org"' "$R/etc/chef/client.rb" || fail "eco: client.rb"
expect_file /etc/chef/firstboot.json '{"run_list":["recipe[base]"]}'
expect_file /etc/salt/minion '"master": "salt.example.org"'
expect_file /etc/salt/pki/minion.pem 'ECO-SALT-PRIVATE-SECRET'
[ "$(stat -c %a "$R/etc/salt/pki/minion.pem")" = 600 ] || fail "eco: minion.pem not 0600"
[ "$(stat -c %a "$R/etc/chef/validation.pem")" = 600 ] || fail "eco: validation.pem not 0600"
grep -q 'core.trust_password: "ECO-LXD-TRUST-SECRET"' "$R/stdin" || fail "eco: trust password not on stdin"
for f in /var/log/cloud-init.log /var/log/cloud-init-output.log /run/cloud-init/status.json \
	/run/cloud-init/result.json /calls; do
	[ -e "$R$f" ] || continue
	! grep -q 'SECRET' "$R$f" || fail "eco: a secret is in $f"
done
for m in ansible puppet chef salt_minion lxd snap; do
	grep -q "needs module $m" "$R$LOG" && fail "eco: $m reported as not implemented"
done
expect_status 0
pass "ansible, puppet, chef, salt_minion, lxd and snap run as external modules"

# --- issue 24's rest: mcollective runs; the modules of other distros are
# reported at their key's position and not run; unverified_modules runs one ---
fresh
# all of them, so that `cloudboot modules` shows every module of the lists
for m in byobu ansible puppet chef salt_minion lxd snap \
	mcollective landscape fan ubuntu_drivers spacewalk ubuntu_pro rh_subscription ubuntu_autoinstall; do
	install_extmod "$m"
done
for t in /usr/bin/apt-get /usr/bin/systemctl /usr/bin/landscape-config /usr/sbin/fanctl \
	/usr/bin/pro /usr/bin/ubuntu-drivers /usr/sbin/rhnreg_ks /usr/sbin/subscription-manager; do
	fake_tool "$t"
done
seed "instance-id: iid-eco2
" "#cloud-config
mcollective:
  conf:
    loglevel: debug
    private-cert: ECO-MCOLLECTIVE-PRIVATE-SECRET
fan:
  config: 10.0.0.0/8 eth0/16 dhcp
landscape:
  client: {account_name: acme, computer_title: web, registration_key: ECO-LS-SECRET}
ubuntu_pro:
  token: ECO-PRO-TOKEN-SECRET
drivers:
  nvidia: {license-accepted: true}
spacewalk:
  server: sw.example.org
rh_subscription:
  activation-key: ECO-RH-SECRET
  org: acme
autoinstall:
  version: 1
"
boot
U=/var/lib/cloud/seed/nocloud/user-data
for kv in "fan:6:1:fan:ubuntu" "landscape:8:1:landscape:ubuntu" "ubuntu_pro:10:1:ubuntu_pro:ubuntu" \
	"drivers:12:1:ubuntu_drivers:ubuntu" "spacewalk:14:1:spacewalk:rhel fedora openeuler" \
	"rh_subscription:16:1:rh_subscription:fedora rhel openeuler" \
	"autoinstall:19:1:ubuntu_autoinstall:ubuntu"; do
	key=${kv%%:*}; rest=${kv#*:}; pos=${rest%:*:*}; rest=${rest#*:*:}; mod=${rest%%:*}; ds=${rest#*:}
	grep -qF "$U:$pos: '$key' is for module $mod, which cloud-init runs only on $ds, not on debian; not applied" "$R$LOG" ||
		fail "eco2: no 'not for this distro' line for $key at $pos"
	# Debian's lists name fan and landscape: cloud-init's own skip line too
	case $mod in fan | landscape)
		grep -qF "Skipping modules '$mod' because they are not verified on distro 'debian'" "$R$LOG" ||
			fail "eco2: no cloud-init skip line for $mod" ;;
	esac
	[ ! -e "$R/var/lib/cloud/instances/iid-eco2/sem/config_$mod" ] || fail "eco2: $mod ran"
done
[ ! -e "$R/etc/network/fan" ] || fail "eco2: fan wrote its file on Debian"
calls=$(cat "$R/calls")
for want in 'apt-get --option=Dpkg::Options::=--force-confold --option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install mcollective' \
	'systemctl restart mcollective'; do
	printf '%s\n' "$calls" | grep -qxF -- "$want" || fail "eco2: '$want' not run; ran: $calls"
done
for t in landscape-config pro ubuntu-drivers rhnreg_ks subscription-manager fanctl snap; do
	! printf '%s\n' "$calls" | grep -q "^$t" || fail "eco2: $t ran on Debian"
done
expect_file /etc/mcollective/server.cfg 'loglevel = debug
plugin.ssl_server_private = /etc/mcollective/ssl/server-private.pem
securityprovider = ssl'
expect_mode /etc/mcollective/ssl/server-private.pem 600
for f in /var/log/cloud-init.log /var/log/cloud-init-output.log /run/cloud-init/status.json \
	/run/cloud-init/result.json /calls; do
	[ -e "$R$f" ] || continue
	! grep -q 'SECRET' "$R$f" || fail "eco2: a secret is in $f"
done
expect_status 0
cb modules >"$OUT" 2>&1 || fail "cloudboot modules failed"
for m in mcollective landscape fan ubuntu_drivers spacewalk ubuntu_pro rh_subscription ubuntu_autoinstall; do
	grep -q "^$m .*/usr/lib/cloudboot/modules/$m.json" "$OUT" || fail "eco2: modules does not list $m"
done
grep -q "^reset_rmc .*built-in" "$OUT" || fail "eco2: reset_rmc is not built in"
! grep -q "missing" "$OUT" || fail "eco2: a module of Debian's lists is missing: $(grep missing "$OUT")"
pass "mcollective runs; fan, landscape, ubuntu_pro, ubuntu_drivers, spacewalk, rh_subscription are reported not for this distro at their position"

fresh
for m in fan landscape; do install_extmod "$m"; done
for t in /usr/bin/apt-get /usr/bin/systemctl /usr/sbin/fanctl; do fake_tool "$t"; done
printf '#!/bin/sh\necho "${0##*/} $*" >> /calls\ncase "$*" in *--is-registered*) exit 5;; esac\n' >"$R/usr/bin/landscape-config"
chmod 755 "$R/usr/bin/landscape-config"
seed "instance-id: iid-eco3
" "#cloud-config
unverified_modules: [fan, landscape]
fan:
  config: 10.0.0.0/8 eth0/16 dhcp
landscape:
  client: {account_name: acme, computer_title: web, registration_key: ECO-LS-SECRET}
"
boot
expect_file /etc/network/fan '10.0.0.0/8 eth0/16 dhcp'
grep -qxF 'systemctl enable ubuntu-fan' "$R/calls" || fail "eco3: ubuntu-fan not enabled"
grep -qxF 'landscape-config --silent --account-name acme --computer-title web --data-path /var/lib/landscape/client --log-level info --ping-url http://landscape.canonical.com/ping --registration-key ECO-LS-SECRET --url https://landscape.canonical.com/message-system' "$R/calls" ||
	fail "eco3: landscape-config not run as expected: $(cat "$R/calls")"
grep -qF "running unverified_modules: 'fan'" "$R$LOG" || fail "eco3: no 'running unverified_modules' line"
! grep -q 'ECO-LS-SECRET' "$R$LOG" || fail "eco3: the registration key is in the log"
expect_status 0
pass "unverified_modules runs fan and landscape on Debian, as in cloud-init"
