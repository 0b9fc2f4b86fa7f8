# SPDX-License-Identifier: GPL-2.0
# The host packages each matrix entry needs, and checking for them.
# Sourced.

# Every script may need these (NAMEDSHM_EXTRA_PACKAGES adds more).
NAMEDSHM_HOST_PACKAGES="make gcc libc6-dev pkg-config qemu-system-x86
	busybox-static cpio xz-utils kmod coreutils perl clang-format g++
	debian-archive-keyring bc libelf1 libssl3 util-linux gcc-12-multilib"

# entry_packages E: what entry E needs beyond the host packages.
entry_packages() {
	case $(entry_arch "$1") in
	# The cross compilers' parts that do not conflict with gcc-multilib;
	# the compiler driver itself comes from the cache (cross_gcc_bin).
	arm64) echo qemu-system-arm cpp-12-aarch64-linux-gnu \
		binutils-aarch64-linux-gnu libgcc-12-dev-arm64-cross \
		libc6-dev-arm64-cross gcc-12-aarch64-linux-gnu-base \
		libstdc++-12-dev-arm64-cross ;;
	armhf) echo qemu-system-arm cpp-12-arm-linux-gnueabihf \
		binutils-arm-linux-gnueabihf libgcc-12-dev-armhf-cross \
		libc6-dev-armhf-cross gcc-12-arm-linux-gnueabihf-base \
		libstdc++-12-dev-armhf-cross ;;
	# Not gcc-multilib: it conflicts with the cross compilers (its only
	# file is the /usr/include/asm link, see userland_make_vars).
	i386) echo gcc-12-multilib g++-12-multilib ;;
	esac
	[[ $(kernel_kind "$1") == source ]] && echo "$NAMEDSHM_KBUILD_PACKAGES"
	# 5.10's headers name gcc-10; gcc-12 builds the module.
	[[ $(entry_ver "$1") == 5.10 ]] && echo gcc-12
	return 0
}

# matrix_packages [E...]: every package the entries (default: the
# matrix) need, one line.
matrix_packages() {
	local e
	# shellcheck disable=SC2086
	(($#)) || set -- $NAMEDSHM_MATRIX
	{
		echo $NAMEDSHM_HOST_PACKAGES ${NAMEDSHM_EXTRA_PACKAGES:-}
		for e in "$@"; do
			entry_packages "$e"
		done
	} | tr ' \t' '\n\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
	echo
}

# deps [E...]: install what is missing (root), or stop with one line
# naming it and the command to run.
deps() {
	# shellcheck disable=SC2046
	apt_install $(matrix_packages "$@")
}
# host_deps: the host packages only (scripts that run no guest).
host_deps() {
	# shellcheck disable=SC2086
	apt_install $NAMEDSHM_HOST_PACKAGES ${NAMEDSHM_EXTRA_PACKAGES:-}
}
