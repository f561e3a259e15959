# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# libvirt migrates a kvm-e1000 domain (run.sh's t_lv_migrate): `virsh
# migrate --live` from t_libvirt's daemon to a second daemon that stands in
# for the destination host, under a paced TCP transfer, as t_migrate does
# through QEMU's monitor.  Both "hosts" are this L1: the second daemon has
# run, state, cache and log folders of its own (a mount namespace) and a
# host UUID of its own, without which libvirt refuses a migration to "the
# same host".
#
# libvirt asks QEMU what blocks a migration (query-migrate's
# blocked-reasons) rather than refusing every mdev <hostdev> itself, so the
# domain needs what QEMU needs (Documentation/qemu.md): the mdev created
# with vfio_migration=1, -global vfio-pci.enable-migration=on in a
# <qemu:commandline>, and on the destination an mdev of its own, which the
# XML given to `virsh migrate --xml` names.  Sourced by run.sh.

LVM_INDEX=8
# The paced transfer across the switchover (MiB, at MIG_RATE): libvirt's
# migration took 6 s from its start, 4 s into the transfer; 12 MiB last
# 24 s.
LVM_MIB=${E2E_LVM_MIB:-12}
LVM_BR=l2br$LVM_INDEX
# The destination daemon's folders; its run folder is seen from here too.
LVM_DST=$E2E_DATA/lv-dst

# The destination's URI: LV_SOCK's name in LVM_DST's run folder.
lvm_uri() {
	echo "qemu:///system?socket=$LVM_DST/run/${LV_SOCK##*/}"
}

lvm_virsh() {
	virsh -q -c "$(lvm_uri)" "$@"
}

# lvm_daemon: the destination's daemon, in a mount namespace where
# libvirt's folders are LVM_DST's (qemu.conf is lv_daemon()'s: the
# namespace starts as a copy of L1's mounts).
lvm_daemon() {
	local d
	lvm_virsh version >/dev/null 2>&1 && return 0
	for d in run lib/qemu cache/qemu log/qemu; do
		mkdir -p "$LVM_DST/$d" || return 1
	done
	printf 'host_uuid = "%s"\n' "$(cat /proc/sys/kernel/random/uuid)" >"$LVM_DST/daemon.conf"
	# shellcheck disable=SC2016  # expanded by the namespace's shell
	unshare --mount --propagation private sh -c '
d=$1
shift
mount --bind "$d/run" /run/libvirt &&
mount --bind "$d/lib" /var/lib/libvirt &&
mount --bind "$d/cache" /var/cache/libvirt &&
mount --bind "$d/log" /var/log/libvirt &&
exec "$@"' sh "$LVM_DST" "$LV_DAEMON" --daemon --config "$LVM_DST/daemon.conf" \
		--pid-file "$LVM_DST/daemon.pid" || return 1
	lv_answers lvm_virsh
}

lvm_daemon_stop() {
	local pid
	pid=$(cat "$LVM_DST/daemon.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	rm -f "$LVM_DST/daemon.pid"
}

# lvm_net: the two taps, ports of one bridge that has the host's address
# (as t_mig_boot's): the guest's next frame moves its MAC to the
# destination's port.
lvm_net() {
	local tap
	modprobe bridge 2>/dev/null
	ip link del "$LVM_BR" 2>/dev/null
	ip link add "$LVM_BR" type bridge || return 1
	sysctl -qw "net.ipv6.conf.$LVM_BR.disable_ipv6=1" 2>/dev/null
	for tap in "$@"; do
		[ -e "/sys/class/net/$tap" ] || ip tuntap add dev "$tap" mode tap vnet_hdr || return 1
		sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" 2>/dev/null
		ip link set "$tap" master "$LVM_BR" up || return 1
	done
	ip addr add "$L2_HOST_IP/24" dev "$LVM_BR" && ip link set "$LVM_BR" up
}

# lvm_dest_xml DIR DDIR SUUID DUUID: the domain as the source's libvirt
# would migrate it, with the destination's mdev, console and socket.
lvm_dest_xml() {
	local dir=$1 ddir=$2 suuid=$3 duuid=$4
	lv_virsh dumpxml --migratable "$LV_NAME" |
		sed -e "s|$suuid|$duuid|" -e "s|$dir/|$ddir/|g" >"$ddir/domain.xml" || return 1
	grep -q "$duuid" "$ddir/domain.xml"
}

# lvm_job: the finished migration as libvirt counts it: the destination's
# record (the source's transient domain is gone with its QEMU).
lvm_job() {
	lvm_virsh domjobinfo --completed "$LV_NAME"
}

# The migration under a paced transfer from L1 to the guest: the transfer
# ends intact on the same connection, the destination's device counts on,
# the source's QEMU exits and its device is free, and the migrated guest
# moves traffic the other way too.
# shellcheck disable=SC2154  # srv_pid: set by serve
lvm_migrate() {
	local dir=$1 ddir=$2 smdev=$3 dmdev=$4 want out srv got err \
		info st rx1 rx2 spanned=no loss rc=0
	# What mig_xfer_start sends.
	local MIG_MIB=$LVM_MIB
	out=$E2E_DATA/lvm.send
	mig_xfer_start "$dir" "$out" || return 1
	want=$mig_want
	sleep 4
	echo "virsh migrate --live $LV_NAME '$(lvm_uri)' --xml $ddir/domain.xml --migrateuri unix://$LVM_DST/mig.sock"
	if ! err=$(lv_virsh migrate --live "$LV_NAME" "$(lvm_uri)" --xml "$ddir/domain.xml" \
		   --migrateuri "unix://$LVM_DST/mig.sock" 2>&1); then
		echo "$err"
		note "virsh migrate: $err"
		kill "$srv_pid" 2>/dev/null
		return 1
	fi
	kill -0 "$srv_pid" 2>/dev/null && spanned=yes
	info=$(lvm_job)
	echo "the migration as libvirt saw it:"
	echo "$info"
	cp "$LVM_DST/run/qemu/$LV_NAME.pid" "$ddir/qemu.pid"
	ln -sf "$LVM_DST/log/qemu/$LV_NAME.log" "$ddir/qemu.log"
	echo "$(lvm_uri) $LV_NAME" >"$ddir/libvirt"
	st=$(lvm_virsh domstate "$LV_NAME")
	echo "destination: $st; source: $(lv_virsh domstate "$LV_NAME" 2>&1)"
	[ "$st" = running ] || rc=1
	rx1=$(stat_of "$dmdev/kvm-e1000" rx_frames)
	mig_reroute "$ddir"
	# The source's QEMU is gone, and with it its hold on the device.
	l2_wait_exit "$dir" 30 || { echo "the source QEMU did not exit"; rc=1; }
	echo "source device: $(cat "$smdev/kvm-e1000/vm")"
	[ "$(cat "$smdev/kvm-e1000/vm")" = none ] || rc=1
	rx2=$(stat_of "$dmdev/kvm-e1000" rx_frames)
	mig_xfer_end "$ddir" "$out"
	srv=$mig_srv got=$mig_got
	echo "destination rx_frames: $rx1 after the switchover, $rx2 at the end"
	if grep -q '@@L2-READY@@' "$ddir/console.log"; then
		echo "the guest booted again on the destination; QEMU's CPU at each reset there:"
		l2_resets "$ddir"
		# The last, on a line of its own for a log read by its tail.
		l2_resets "$ddir" | tail -n 1 | sed 's/^/verdict: the destination reset, the last: /'
		rc=1
	fi
	loss=$(echo "$got" | grep -o '[0-9]*% packet loss')
	note "virsh migrate: downtime $(echo "$info" | awk -F: '/^Total downtime/ { gsub(/ /, "", $2); print $2 }')," \
	     "total $(echo "$info" | awk -F: '/^Time elapsed:/ { gsub(/ /, "", $2); print $2 }')," \
	     "transfer across switchover: $spanned, guest ping ${loss:-?}"
	[ "$srv" = "$((MIG_MIB * 1048576)) $want" ] || rc=1
	[ "$(echo "$got" | head -n1 | cut -d' ' -f1)" = "$want" ] || rc=1
	[ "$rx2" -gt "$rx1" ] || { echo "the destination's device received nothing"; rc=1; }
	[ "$spanned" = yes ] || { echo "the transfer ended before the switchover: raise E2E_LVM_MIB"; rc=1; }
	[ $rc -eq 0 ] && { xfer_from_guest "$ddir" "$SMALL" || rc=1; }
	return $rc
}

# E2E_LVM_ROUNDS rounds of it (default 1; more to tally).
t_lv_migrate() {
	command -v "$LV_DAEMON" >/dev/null ||
		{ note "no libvirt daemon (the debian13 profile has one)"; return "$E2E_SKIPPED"; }
	qemu_migrates_vfio || { note "QEMU before 8.1: no VFIO migration"; return "$E2E_SKIPPED"; }
	echo 1 >/sys/module/kvm_e1000/parameters/vfio_migration || return 1
	in_rounds "${E2E_LVM_ROUNDS:-1}" lvm_round
}

lvm_round() {
	local dir ddir smdev='' dmdev='' suuid duuid d rc=0 stap dtap \
		L2_NIC L2_INDEX L2_TAP L2_HOST_IP L2_GUEST_IP L2_MAC
	lv_daemon || return 1
	lvm_daemon || return 1
	dir=$(l2_dir "$LVM_INDEX")
	ddir=${dir}m
	rm -rf "$dir" "$ddir"
	mkdir -p "$dir" "$ddir"
	stap=l2tap$LVM_INDEX dtap=l2tap${LVM_INDEX}m
	L2_NIC=kvm-e1000 L2_INDEX=$LVM_INDEX
	L2_HOST_IP=169.254.$((10 + LVM_INDEX)).1 L2_GUEST_IP=169.254.$((10 + LVM_INDEX)).2
	L2_MAC=$(printf '52:54:00:e1:00:%02x' "$LVM_INDEX")
	for L2_TAP in "$stap" "$dtap"; do
		declare -p L2_NIC L2_INDEX L2_TAP L2_HOST_IP L2_GUEST_IP L2_MAC |
			sed 's/^declare -[-a-z]* //' >"$([ "$L2_TAP" = "$stap" ] && echo "$dir" || echo "$ddir")/env"
	done
	L2_TAP=$stap
	lvm_net "$stap" "$dtap" || rc=1
	[ $rc -eq 0 ] && smdev=$("$L2_KVM_E1000_TOOL" create --tap "$stap" --mac "$L2_MAC") || rc=1
	[ $rc -eq 0 ] && dmdev=$("$L2_KVM_E1000_TOOL" create --tap "$dtap" --mac "$L2_MAC") || rc=1
	suuid=$(basename "${smdev:-none}") duuid=$(basename "${dmdev:-none}")
	echo "source mdev $suuid on $stap, destination mdev $duuid on $dtap"
	: >"$dir/console.log"
	: >"$ddir/console.log"
	: >"$ddir/incoming"
	: >"$dir/cpu-reset.log"
	: >"$ddir/cpu-reset.log"
	# The QEMU option the migration needs, and the vCPU on L1 CPU 0 as
	# t_migrate's (two L1 CPUs in guest mode at once: testbed README);
	# the CPU state at each reset where l2_launch's QEMU puts it
	# (l2_resets; the destination's XML names its own).
	# shellcheck disable=SC2034  # lv_start's
	lv_extra="<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='vfio-pci.enable-migration=on'/>"
	lv_extra+="<qemu:arg value='-d'/><qemu:arg value='cpu_reset'/>"
	lv_extra+="<qemu:arg value='-D'/><qemu:arg value='$dir/cpu-reset.log'/></qemu:commandline>"
	lv_cpuset=$MIG_CPUS
	[ $rc -eq 0 ] && { lv_start "$dir" "$suuid" || rc=1; }
	# shellcheck disable=SC2034  # lv_start's
	lv_extra='' lv_cpuset=''
	[ $rc -eq 0 ] && { l2_wait_ready "$dir" 1 || rc=1; }
	[ $rc -eq 0 ] && { ping_both "$dir" 3 || rc=1; }
	[ $rc -eq 0 ] && { lvm_dest_xml "$dir" "$ddir" "$suuid" "$duuid" || rc=1; }
	[ $rc -eq 0 ] && { lvm_migrate "$dir" "$ddir" "$smdev" "$dmdev" || rc=1; }
	[ $rc -eq 0 ] || { echo "libvirt's logs of the domain:"; tail -n 20 "$dir/qemu.log" "$LVM_DST/log/qemu/$LV_NAME.log"; }
	lv_virsh destroy "$LV_NAME" >/dev/null 2>&1
	lvm_virsh destroy "$LV_NAME" >/dev/null 2>&1
	l2_wait_exit "$ddir" 30 || { echo "the destination QEMU did not exit"; rc=1; }
	lvm_daemon_stop
	for d in "$suuid" "$duuid"; do
		[ "$d" = none ] || "$L2_KVM_E1000_TOOL" destroy "$d" || rc=1
	done
	ip link del "$LVM_BR" 2>/dev/null
	for d in "$stap" "$dtap"; do
		l2_tap_delete "$d" || { echo "cannot delete $d"; rc=1; }
	done
	return $rc
}
