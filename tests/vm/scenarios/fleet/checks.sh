# SPDX-License-Identifier: Apache-2.0
# Each guest reports its identity; the host checks that all three differ.
# host-check: fleet-distinct-machine-id
# host-check: fleet-distinct-host-key
# host-check: fleet-distinct-hostname
echo "FACT machine-id=$(cat /etc/machine-id)"
echo "FACT host-key=$(cut -d' ' -f2 /etc/ssh/ssh_host_ed25519_key.pub)"
echo "FACT hostname=$(hostname)"
check fleet-member-status cloudboot status
