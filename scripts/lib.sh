# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts in this directory: where things live, the kernel
# matrix, host packages, kernel images and headers, module builds.
# Sourced, not run.  Messages go to stderr; results to stdout.

NAMEDSHM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Downloads and extracted kernels survive `make clean` and new checkouts.
if [[ -z ${NAMEDSHM_CACHE:-} ]]; then
	if [[ $(id -u) == 0 ]]; then
		NAMEDSHM_CACHE=/var/cache/namedshm
	else
		NAMEDSHM_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/namedshm
	fi
fi
NAMEDSHM_BUILD=${NAMEDSHM_BUILD:-$NAMEDSHM_ROOT/build}

# The kernels `make check` runs on, in order; the first is vm-run's default.
NAMEDSHM_MATRIX=${NAMEDSHM_MATRIX:-"6.1 6.12"}

# Host packages every script may need.
NAMEDSHM_HOST_PACKAGES="make gcc libc6-dev pkg-config qemu-system-x86
	busybox-static cpio xz-utils kmod coreutils perl clang-format g++"

log() { printf '%s\n' "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

_namedshm_apt_updated=
apt_update_once() {
	[[ -n $_namedshm_apt_updated ]] && return 0
	log "apt-get update"
	apt-get update -q >&2 || die "apt-get update failed"
	_namedshm_apt_updated=1
}

have_apt_lists() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# apt_install PKG...: install the packages that are not installed yet.
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	[[ $(id -u) == 0 ]] || die "need root to install: ${missing[*]}"
	apt_update_once
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
}

host_deps() {
	# shellcheck disable=SC2086
	apt_install $NAMEDSHM_HOST_PACKAGES
}

# The Debian metapackage suffix for a kernel of the matrix.
kernel_meta() {
	case $1 in
	6.1) echo amd64 ;;
	6.12) echo 6.12-amd64 ;;
	*) die "unknown kernel '$1' (known: $NAMEDSHM_MATRIX)" ;;
	esac
}

# kernel_abi K: the current Debian ABI name (e.g. 6.1.0-56-amd64) of K,
# resolved through the linux-headers metapackage.
kernel_abi() {
	local meta abi
	meta=$(kernel_meta "$1") || exit 1
	have_apt_lists || apt_update_once
	abi=$(apt-cache depends "linux-headers-$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-//p' | head -n1)
	if [[ -z $abi ]]; then
		apt_update_once
		abi=$(apt-cache depends "linux-headers-$meta" 2>/dev/null |
			sed -n 's/^ *Depends: linux-headers-//p' | head -n1)
	fi
	[[ -n $abi ]] || die "cannot resolve linux-headers-$meta"
	echo "$abi"
}

# kernel_fetch K: make sure the image and headers of K exist; prints
# "ABI VMLINUZ HEADERS_DIR".
kernel_fetch() {
	local k=$1 abi dir deb
	abi=$(kernel_abi "$k") || exit 1
	dir=$NAMEDSHM_CACHE/kernels/$abi
	if [[ ! -s $dir/vmlinuz ]]; then
		mkdir -p "$dir/dl"
		log "fetching linux-image-$abi"
		(cd "$dir/dl" && apt-get -o APT::Sandbox::User=root download "linux-image-$abi" >&2) ||
			{ apt_update_once; (cd "$dir/dl" &&
				apt-get -o APT::Sandbox::User=root download "linux-image-$abi" >&2); } ||
			die "cannot download linux-image-$abi"
		deb=$(ls "$dir"/dl/linux-image-"$abi"_*.deb | head -n1)
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./boot/vmlinuz-$abi" >"$dir/vmlinuz.tmp" ||
			die "no vmlinuz in $deb"
		mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
		rm -rf "$dir/dl"
	fi
	apt_install "linux-headers-$abi"
	[[ -d /usr/src/linux-headers-$abi ]] ||
		die "linux-headers-$abi installed no /usr/src/linux-headers-$abi"
	echo "$abi $dir/vmlinuz /usr/src/linux-headers-$abi"
}

# module_build K: build namedshm.ko for K (incrementally); prints its path.
# Sources are copied to a per-kernel directory so that kernels never share
# objects.
module_build() {
	local k=$1 abi vmlinuz hdr out
	read -r abi vmlinuz hdr < <(kernel_fetch "$k") || exit 1
	[[ -n $hdr ]] || exit 1
	out=$NAMEDSHM_BUILD/kmod/$abi
	mkdir -p "$out"
	cp -pu "$NAMEDSHM_ROOT/Kbuild" "$out/"
	mkdir -p "$out/module" "$out/include/uapi/linux"
	cp -pu "$NAMEDSHM_ROOT"/module/*.[ch] "$out/module/"
	cp -pu "$NAMEDSHM_ROOT/include/uapi/linux/namedshm.h" \
		"$out/include/uapi/linux/"
	if ! make -s -C "$hdr" M="$out" modules >"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		die "module build for $abi failed"
	fi
	# Kbuild's note about BTF without vmlinux is expected noise here.
	grep -v '^Skipping BTF generation' "$out/build.log" >&2 || true
	echo "$out/namedshm.ko"
}

# ksrc_fetch: the few files of the kernel source this project uses without
# committing them: the kselftest harness (kselftest_harness.h, kselftest.h,
# in no other Debian package) and the style tools (checkpatch.pl and its
# data, .clang-format), extracted once from Debian's linux-source package.
# Prints the directory holding them, laid out as in a kernel tree.
NAMEDSHM_KSRC_FILES="tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h scripts/checkpatch.pl
	scripts/spelling.txt scripts/const_structs.checkpatch .clang-format"
ksrc_fetch() {
	local pkg=linux-source-6.1 dir dl deb f members=()
	dir=$NAMEDSHM_CACHE/$pkg
	if [[ ! -e $dir/.complete ]]; then
		dl=$NAMEDSHM_CACHE/dl
		mkdir -p "$dl" "$dir"
		if ! compgen -G "$dl/${pkg}_*.deb" >/dev/null; then
			have_apt_lists || apt_update_once
			log "fetching $pkg (kselftest harness, checkpatch)"
			(cd "$dl" && apt-get -o APT::Sandbox::User=root \
				download "$pkg" >&2) ||
				{ apt_update_once; (cd "$dl" &&
					apt-get -o APT::Sandbox::User=root \
						download "$pkg" >&2); } ||
				die "cannot download $pkg"
		fi
		deb=$(ls "$dl/${pkg}"_*.deb | tail -n1)
		for f in $NAMEDSHM_KSRC_FILES; do
			members+=("$pkg/$f")
		done
		log "extracting the kselftest harness and checkpatch from ${deb##*/}"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/$pkg.tar.xz" |
			tar -xJ -C "$dir" --strip-components=1 "${members[@]}" ||
			die "cannot extract from $deb"
		# Tests include "../kselftest_harness.h" as in a kernel tree: an
		# empty include/ below the headers makes that path resolve.
		mkdir -p "$dir/tools/testing/selftests/include"
		touch "$dir/.complete"
		rm -f "$deb"
	fi
	echo "$dir"
}

harness_fetch() {
	local dir
	dir=$(ksrc_fetch) || exit 1
	echo "$dir/tools/testing/selftests"
}
