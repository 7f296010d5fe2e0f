# SPDX-License-Identifier: Apache-2.0
# Each boot is a new instance on another hypervisor's SMBIOS identity: the
# hypervisor is recorded in instance-data and the instance is provisioned.
provisioned() { # HOSTNAME: what every boot must show
	test "$(hostname)" = "$1" || { echo "hostname $(hostname), want $1"; return 1; }
	test "$(tail -n1 /var/tmp/hv-runcmd)" = "iid-vm-hv-$VM_BOOT" || { echo "runcmd did not run"; return 1; }
	grep -qx provisioned /etc/vm-hv.conf && cloudboot status >/dev/null
}
case "$VM_BOOT" in
1)
	check hypervisor-kvm test "$(cloudboot query _cloudboot.hypervisor)" = kvm
	check provisioned-on-kvm provisioned vm-hv-kvm
	;;
2)
	check hypervisor-xen test "$(cloudboot query _cloudboot.hypervisor)" = xen
	check provisioned-on-xen provisioned vm-hv-xen
	;;
*)
	check hypervisor-virtualbox test "$(cloudboot query _cloudboot.hypervisor)" = virtualbox
	check provisioned-on-virtualbox provisioned vm-hv-vbox
	;;
esac
