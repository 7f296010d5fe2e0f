# SPDX-License-Identifier: Apache-2.0
# compat-ref's collector, sourced by cloudboot-vm-check in both guests (the
# cloud-init image and cloudboot's) once the agent is done: the in-guest state
# packed onto the disk labelled vmrefout; the host normalises and compares
# the two (compare, differences) and reports these checks.
# host-check: ref-cloud-init-collected
# host-check: ref-cloudboot-collected
# host-check: ref-differences-explained
# host-check: ref-differences-current
ref=/run/vm-ref
rm -rf "$ref"
mkdir -p "$ref/out"
if command -v cloudboot >/dev/null 2>&1; then
	agent=cloudboot
	set -- cloudboot-local.service cloudboot.service cloudboot-config.service cloudboot-final.service
else
	agent=cloud-init
	set -- cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service
fi
{
	echo "agent: $agent"
	cloud-init status >/dev/null 2>&1
	echo "status-exit: $?"
	# the "status" key of the JSON form (its other keys are each program's own)
	echo "status-json: $(cloud-init status --format json 2>/dev/null | sed -n 's/^ *"status": *"\([^"]*\)".*/\1/p' | head -n1)"
	echo "hostname: $(hostname)"
	echo "hostname-f: $(hostname -f 2>/dev/null)"
	echo "system-state: $(systemctl is-system-running 2>/dev/null)"
	# the four stages under one name each: the units' names are the agents' own
	for st in local network config final; do
		echo "stage $st: $(systemctl show -p ActiveState --value "$1") $(systemctl show -p Result --value "$1")"
		shift
	done
	for u in ssh.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
		systemd-networkd-wait-online.service getty@tty1.service; do
		echo "unit $u: $(systemctl is-enabled "$u" 2>/dev/null || true) $(systemctl is-active "$u" 2>/dev/null || true)"
	done
	systemctl list-units --failed --no-legend --plain 2>/dev/null | sed 's/^/failed-unit: /'
	# sshd's effective configuration, the settings the seed reaches
	sshd -T 2>/dev/null | grep -E '^(passwordauthentication|kbdinteractiveauthentication|pubkeyauthentication|permitrootlogin|usepam|authorizedkeysfile) ' |
		sort | sed 's/^/sshd: /'
	ls /etc/ssh/ssh_host_*_key.pub 2>/dev/null | sed 's/^/host-key: /'
	echo "timezone: $(date +%Z) $(readlink /etc/localtime)"
	# the network: addresses and routes, lifetimes left out
	ip -br addr 2>/dev/null | sed 's/  */ /g; s/^/addr: /'
	ip route 2>/dev/null | sed 's/^/route4: /'
	ip -6 route 2>/dev/null | sed 's/ expires [0-9]*sec//; s/^/route6: /'
	echo "resolv: $(grep -E '^(nameserver|search)' /etc/resolv.conf 2>/dev/null | tr '\n' ' ')"
	for g in adm users sudo; do echo "group-members $g: $(getent group "$g" | cut -d: -f4)"; done
	for u in debian refuser refsys; do echo "id $u: $(id "$u" 2>&1)"; done
} >"$ref/out/facts" 2>&1
# not compared, kept for reading a difference: each program's own words
cloud-init status --long >"$ref/out/status-long.txt" 2>&1
journalctl -b -p warning --no-pager >"$ref/out/journal-warnings.txt" 2>&1
# what the seed writes and the files the agents configure, as they are (tar
# keeps modes, numeric owners and links)
cd / && ls -d etc/passwd etc/group etc/shadow etc/gshadow etc/hostname etc/hosts etc/timezone \
	etc/localtime etc/ssh/sshd_config etc/ssh/sshd_config.d etc/ssh/ssh_host_*_key.pub etc/sudoers.d \
	etc/vm-ref var/tmp/ref-*.out home etc/systemd/network etc/netplan etc/network/interfaces \
	etc/network/interfaces.d run/systemd/network etc/machine-id 2>/dev/null >"$ref/out/paths"
tar --numeric-owner -czf "$ref/out/tree.tgz" -C / -T "$ref/out/paths" 2>"$ref/out/tar.err"
tar -tzf "$ref/out/tree.tgz" >"$ref/out/members"
cd - >/dev/null || true
dev=$(blkid -L vmrefout 2>/dev/null)
mkdir -p /run/vm-refout
if [ -n "$dev" ] && mount "$dev" /run/vm-refout; then
	cp "$ref/out/"* /run/vm-refout/
	sync
	umount /run/vm-refout
	echo "REF-COLLECTED $agent"
else
	echo "REF-NOT-COLLECTED $agent: no disk labelled vmrefout"
fi
