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
