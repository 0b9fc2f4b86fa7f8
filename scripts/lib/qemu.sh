# SPDX-License-Identifier: GPL-2.0
# How each matrix entry's guest is started under QEMU (TCG).  Sourced.

# The TCG setting.  Multi-threaded TCG (one host thread a vCPU) lets a
# guest patch its own text (static keys, alternatives) while the other
# vCPU runs it, and QEMU 7.2 does not always see the other vCPU's stale
# translation: about 1 boot in 70 of the Debian 6.12 kernel died with
# "Oops: int3" in sched_clock_cpu() while "sched_clock: Marking stable"
# patched a static key.  Single-threaded TCG runs both vCPUs in one host
# thread, round-robin, and has no such race (scripts/boot-flake measures
# it; TESTING.md has the figures).
#
# Except on armhf: there, single-threaded TCG takes some 20 minutes to
# reach init.  After the last initcall the 32-bit kernel rewrites its own
# section permissions (STRICT_KERNEL_RWX: fix_kernmem_perms(),
# mark_rodata_ro()) inside stop_machine(), flushing the TLB a page at a
# time with broadcast invalidates, while the other vCPU spins in
# multi_cpu_stop(); each flush then waits for QEMU's round-robin kick
# (100 ms): thousands of them.  Multi-threaded TCG boots it in 6 to 11 s
# (10 of 10 boots); ARM32 patches its text under stop_machine(), so the
# x86 race above does not apply.  NAMEDSHM_QEMU_ACCEL, when set, wins
# everywhere.
# qemu_accel E: the -accel argument for entry E.
qemu_accel() {
	if [[ -n ${NAMEDSHM_QEMU_ACCEL:-} ]]; then
		echo "$NAMEDSHM_QEMU_ACCEL"
	elif [[ $(entry_karch "$1") == armhf ]]; then
		echo tcg,thread=multi
	else
		echo tcg,thread=single
	fi
}

qemu_binary() {
	case $(entry_karch "$1") in
	x86_64) echo qemu-system-x86_64 ;;
	arm64) echo qemu-system-aarch64 ;;
	armhf) echo qemu-system-arm ;;
	esac
}

# qemu_machine_args E: machine and CPU.  The arm boards are QEMU's `virt`
# (the device tree comes from QEMU); armhf's kernel is armmp-lpae, for a
# Cortex-A15.  pauth-impdef: the cheap pointer-authentication algorithm
# (the architected one is slow under TCG).  mte=on: the arm64 CPU has
# memory tagging, which the suite checks is refused on regions.
qemu_machine_args() {
	case $(entry_karch "$1") in
	x86_64) echo "-cpu max" ;;
	arm64) echo "-M virt,mte=on -cpu max,pauth-impdef=on" ;;
	armhf) echo "-M virt,highmem=off -cpu cortex-a15" ;;
	esac
}

# guest_console E: the kernel console's device name in the guest.
guest_console() {
	case $(entry_karch "$1") in
	x86_64) echo ttyS0 ;;
	*) echo ttyAMA0 ;;
	esac
}

# guest_ttys E: the guest's names of the three extra serial ports (the
# command's output, its status, the kmemleak report).  On x86 they are
# COM2-4; the arm `virt` board has one UART (the console), so they are PCI
# 16550s there, which Debian's arm kernels drive with the built-in 8250.
guest_ttys() {
	case $(entry_karch "$1") in
	x86_64) echo "ttyS1 ttyS2 ttyS3" ;;
	*) echo "ttyS0 ttyS1 ttyS2" ;;
	esac
}

kernel_cmdline() {
	echo "console=$(guest_console "$1"),115200 panic=-1 oops=panic loglevel=7 rdinit=/init${NAMEDSHM_CMDLINE_EXTRA:+ $NAMEDSHM_CMDLINE_EXTRA}"
}

# qemu_serial_args E CONSOLE OUT STATUS KMEMLEAK: QEMU options writing
# the four serial ports to these files.
qemu_serial_args() {
	local e=$1 i=0 f
	shift
	if [[ $(entry_karch "$e") == x86_64 ]]; then
		for f in "$@"; do
			printf -- '-serial file:%s ' "$f"
		done
	else
		printf -- '-serial file:%s ' "$1"
		shift
		for f in "$@"; do
			i=$((i + 1))
			printf -- '-chardev file,id=ser%d,path=%s -device pci-serial,chardev=ser%d ' \
				"$i" "$f" "$i"
		done
	fi
	echo
}
