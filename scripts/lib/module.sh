# SPDX-License-Identifier: GPL-2.0
# Building namedshm.ko for a matrix entry's kernel.  Sourced.

# module_build E: build namedshm.ko for E's kernel (incrementally, with
# W=1); prints its path.  Sources are copied to a per-kernel directory so
# that kernels never share objects.  The build's compiler warnings, if
# any, are left in DIR/warnings (make check fails on them).  Debian's
# headers name the compiler their kernel was built with; when the machine
# lacks it (5.10 was built with gcc-10) the machine's gcc-12 builds the
# module and kbuild's "compiler differs" note is expected.
# module_env E HDR: set up kbuild for E's headers HDR, once: PATH gains a
# cross build's compiler (named by the headers, kept in the cache:
# cross_gcc_bin), and MODULE_CC is the CC= override (empty: the headers'
# own compiler).
module_env() {
	local e=$1 hdr=$2 want cross
	MODULE_CC=
	case $(entry_karch "$e") in
	arm64 | armhf) PATH=$(cross_gcc_bin "$(entry_karch "$e")"):$PATH ;;
	esac
	[[ -e $hdr/.kernelvariables ]] || return 0
	want=$(grep -o 'gcc-[0-9][0-9]*' "$hdr/.kernelvariables" | head -n1)
	cross=$(sed -n 's/^override CROSS_COMPILE = \(.*\)$/\1/p' \
		"$hdr/.kernelvariables")
	[[ $cross == *'$('* ]] && cross=
	if [[ -n $want ]] && ! command -v "${cross}$want" >/dev/null; then
		MODULE_CC=${cross:-x86_64-linux-gnu-}gcc-12
	fi
}

module_build() {
	local e=$1 abi vmlinuz hdr out cc
	read -r abi vmlinuz hdr < <(kernel_fetch "$e") || exit 1
	[[ -n $hdr ]] || exit 1
	out=$NAMEDSHM_BUILD/kmod/$abi
	mkdir -p "$out/module" "$out/include/uapi/linux"
	cp -pu "$NAMEDSHM_ROOT/Kbuild" "$out/"
	cp -pu "$NAMEDSHM_ROOT"/module/*.[ch] "$out/module/"
	cp -pu "$NAMEDSHM_ROOT/include/uapi/linux/namedshm.h" \
		"$out/include/uapi/linux/"
	module_env "$e" "$hdr"
	cc=$MODULE_CC
	if ! PATH=$PATH make -s -C "$hdr" M="$out" W=1 ${cc:+CC="$cc"} modules \
		>"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		die "module build for $abi failed (log: $out/build.log)"
	fi
	# Kbuild's notes about BTF without vmlinux and a compiler other than
	# the kernel's are expected here; anything else is a warning.
	grep -v -e '^Skipping BTF generation' \
		-e 'compiler differs from the one used to build the kernel' \
		-e '^ *The kernel was built by:' -e '^ *You are using:' \
		"$out/build.log" >"$out/warnings" || true
	if [[ -s $out/warnings ]]; then
		log "module build for $abi (W=1) reported:"
		cat "$out/warnings" >&2
	fi
	echo "$out/namedshm.ko"
}
