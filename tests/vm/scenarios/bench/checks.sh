# SPDX-License-Identifier: Apache-2.0
# The benchmark: service time of each stage's unit, from systemd's timestamps.
us() { systemctl show -p "$2" --value "$1" 2>/dev/null; }
secs() { # UNIT: exit - start of its main process, in seconds
	local a b
	a=$(us "$1" ExecMainStartTimestampMonotonic); b=$(us "$1" ExecMainExitTimestampMonotonic)
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt 0 ] && awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", (b - a) / 1e6 }' || echo 0
}
if command -v cloudboot >/dev/null 2>&1; then
	set -- cloudboot-local.service cloudboot.service cloudboot-config.service cloudboot-final.service
else
	set -- cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service
fi
l=$(secs "$1"); n=$(secs "$2"); c=$(secs "$3"); f=$(secs "$4")
sshd=$(awk -v t="$(us ssh.service ActiveEnterTimestampMonotonic)" 'BEGIN { printf "%.3f", t / 1e6 }')
mb() { # UNIT: its cgroup's memory.peak in MB (the harness's drop-in wrote it)
	awk '{ printf "%.2f", $1 / 1048576 }' "/run/vm-mempeak.$1" 2>/dev/null || echo 0
}
echo "BENCH mem_local=$(mb "$1") mem_network=$(mb "$2") mem_config=$(mb "$3") mem_final=$(mb "$4")"
cpu() { # UNIT: CPU seconds of its cgroup (the stage and what it ran); 0 when not accounted
	systemctl show -p CPUUsageNSec --value "$1" 2>/dev/null |
		awk '/^[0-9]+$/ { printf "%.3f", $1 / 1e9; ok = 1 } END { if (!ok) printf "0" }'
}
cl=$(cpu "$1"); cn=$(cpu "$2"); cc=$(cpu "$3"); cf=$(cpu "$4")
echo "BENCH cpu_local=$cl cpu_network=$cn cpu_config=$cc cpu_final=$cf cpu_total=$(awk -v a="$cl" -v b="$cn" -v c="$cc" -v d="$cf" 'BEGIN { printf "%.3f", a + b + c + d }')"
echo "BENCH local=$l network=$n config=$c final=$f total=$(awk -v a="$l" -v b="$n" -v c="$c" -v d="$f" 'BEGIN { printf "%.3f", a + b + c + d }') sshd_ready=$sshd boot_done=$(cut -d' ' -f1 /proc/uptime)"
# how long the RSA host key took to make, in wall time and in ssh-keygen's
# CPU (init-local begins it; the line is its child's), for issue 25's
# target: sshd within 1 s of the no-agent boot plus the key's making
if command -v cloudboot >/dev/null 2>&1; then
	line=$(grep -ao 'Made the rsa host key early in [0-9.]* s ([0-9.]* s of CPU)' /var/log/cloud-init.log | tail -n 1)
	wall=$(echo "$line" | awk '{ print $8 }'); cpu=$(echo "$line" | awk '{ sub(/\(/, "", $10); print $10 }')
	echo "BENCH rsa_keygen=${wall:-0} rsa_keygen_cpu=${cpu:-0}"
fi
# where sshd's time went: the chain of units it waited for (the harness keeps
# the last boot's of each agent in bench-chain.<agent>.txt)
systemd-analyze critical-chain ssh.service 2>/dev/null | sed -n 's/^/CHAIN /p'
# and the first-boot work of systemd itself, which every agent's boot pays
systemd-analyze blame 2>/dev/null | head -n 12 | sed -n 's/^/BLAME /p'
# inside the agent's stages: its slowest modules (the host keys are ssh's)
if command -v cloudboot >/dev/null 2>&1; then
	cloudboot analyze blame 2>/dev/null | head -n 8 | sed -n 's/^/MODULES /p'
elif command -v cloud-init >/dev/null 2>&1; then
	cloud-init analyze blame 2>/dev/null | head -n 8 | sed -n 's/^/MODULES /p'
fi
check bench-hostname test "$(hostname)" = vm-bench
