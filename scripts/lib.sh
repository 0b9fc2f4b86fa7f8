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
# `latest` is the newest kernel, built from Debian unstable's source with
# sanitizers (see kernel_kind); kernel_matrix prints it as its series (7.2).
NAMEDSHM_MATRIX=${NAMEDSHM_MATRIX:-"6.1 6.12 latest"}

# Host packages every script may need.  gcc-12-multilib (not gcc-multilib,
# which conflicts with the gcc-*-linux-gnu cross compilers) for the
# library's -m32 checks.
NAMEDSHM_HOST_PACKAGES="make gcc libc6-dev pkg-config qemu-system-x86
	busybox-static cpio xz-utils kmod coreutils perl clang-format g++
	gcc-12-multilib"

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

# kernel_kind K: "debian" for a kernel Debian 12 ships built (6.1, 6.12),
# "source" for the newest kernel, which is built here from Debian
# unstable's linux-source with sanitizers: `latest`, its synonym `debug`,
# or its series (`7.2` today; an older series only while its build is
# cached).
kernel_kind() {
	case $1 in
	6.1 | 6.12) echo debian ;;
	latest | debug) echo source ;;
	[1-9]*.[0-9]*)
		[[ $1 =~ ^[0-9]+\.[0-9]+$ ]] || die "unknown kernel '$1'"
		echo source
		;;
	*) die "unknown kernel '$1' (known: 6.1 6.12 latest debug X.Y)" ;;
	esac
}

# The Debian metapackage suffix for a kernel Debian ships.
kernel_meta() {
	case $1 in
	6.1) echo amd64 ;;
	6.12) echo 6.12-amd64 ;;
	*) die "unknown kernel '$1' (known: $NAMEDSHM_MATRIX)" ;;
	esac
}

# kernel_matrix: the matrix with `latest`/`debug` replaced by the series
# they resolve to (6.1 6.12 7.2).
kernel_matrix() {
	local k series
	for k in $NAMEDSHM_MATRIX; do
		# Unresolvable (no network, nothing cached): left as it is,
		# for vm-run to fail on with the reason.
		if [[ $(kernel_kind "$k") == source ]] &&
			read -r series _ < <(src_kernel_resolve "$k"); then
			k=$series
		fi
		printf '%s\n' "$k"
	done | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
	echo
}

# kernel_abi K: the ABI name of K: for a Debian kernel its current Debian
# ABI (e.g. 6.1.0-56-amd64), resolved through the linux-headers
# metapackage; for the source-built kernel its cache name
# (e.g. 7.2.13-1-debug-0123456789).
kernel_abi() {
	local meta abi
	if [[ $(kernel_kind "$1") == source ]]; then
		read -r _ _ abi < <(src_kernel_resolve "$1") || exit 1
		[[ -n $abi ]] || exit 1
		echo "$abi"
		return 0
	fi
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
	if [[ $(kernel_kind "$k") == source ]]; then
		# Builds it the first time (about 5 minutes), under the VM lock.
		"$NAMEDSHM_ROOT/scripts/kernel/build" "$k" || exit 1
		return 0
	fi
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

# --- The newest kernel, built from Debian unstable's source ---
# unstable is never added to the system's apt sources: it is reached through
# an apt configuration of its own below $NAMEDSHM_UNSTABLE_APT (lists,
# package cache, downloads), refreshed when older than
# $NAMEDSHM_UNSTABLE_MAX_AGE hours.  scripts/kernel/build builds it.
NAMEDSHM_UNSTABLE_APT=${NAMEDSHM_UNSTABLE_APT:-$NAMEDSHM_CACHE/unstable-apt}
NAMEDSHM_UNSTABLE_MAX_AGE=${NAMEDSHM_UNSTABLE_MAX_AGE:-24}
NAMEDSHM_DEBIAN_MIRROR=${NAMEDSHM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
NAMEDSHM_KERNEL_CONFIG=$NAMEDSHM_ROOT/scripts/kernel/debug.config
# What a kernel build needs beyond the host packages.
NAMEDSHM_KBUILD_PACKAGES="make gcc libc6-dev flex bison bc libelf-dev
	libssl-dev xz-utils dpkg debian-archive-keyring"

# unstable_apt apt-get|apt-cache ARG...: run apt on unstable's lists only.
unstable_apt() {
	local cmd=$1 d=$NAMEDSHM_UNSTABLE_APT
	shift
	"$cmd" -o Dir::Etc::sourcelist="$d/sources.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$d/lists" \
		-o Dir::Cache="$d/cache" \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root "$@"
}

# unstable_update [force]: fetch unstable's package lists if they are
# missing or stale (or always, with an argument).  With stale lists and no
# network it keeps the old ones.
unstable_update() {
	local d=$NAMEDSHM_UNSTABLE_APT stamp
	stamp=$d/lists/.namedshm-updated
	if [[ -z ${1:-} && -e $stamp &&
		-z $(find "$stamp" -mmin "+$((NAMEDSHM_UNSTABLE_MAX_AGE * 60))") ]]; then
		return 0
	fi
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/dl"
	apt_install debian-archive-keyring
	printf 'deb [signed-by=%s] %s unstable main\n' \
		/usr/share/keyrings/debian-archive-keyring.gpg \
		"$NAMEDSHM_DEBIAN_MIRROR" >"$d/sources.list"
	log "fetching Debian unstable's package lists (into $d)"
	if unstable_apt apt-get update -q >&2; then
		touch "$stamp"
		return 0
	fi
	if [[ -e $stamp ]]; then
		log "warning: cannot refresh unstable's lists; using those of $(date -r "$stamp")"
		return 0
	fi
	log "cannot fetch Debian unstable's package lists"
	return 1
}

# ver_series V: the major.minor of a Debian kernel version (7.2.13-1 -> 7.2).
ver_series() {
	local v=${1%%[-~+]*} a b
	IFS=. read -r a b _ <<<"$v"
	echo "$a.$b"
}

# unstable_latest: "SERIES VERSION" of the kernel source that unstable's
# linux-source metapackage points to, e.g. "7.2 7.2.13-1".
unstable_latest() {
	local pkg ver
	unstable_update || return 1
	pkg=$(unstable_apt apt-cache depends linux-source 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | head -n1)
	if [[ -z $pkg ]]; then
		# Lists fetched before the metapackage moved: refresh once.
		unstable_update force || return 1
		pkg=$(unstable_apt apt-cache depends linux-source 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | head -n1)
	fi
	[[ -n $pkg ]] || { log "unstable has no linux-source metapackage"; return 1; }
	ver=$(unstable_apt apt-cache show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n1)
	[[ -n $ver ]] || { log "cannot resolve $pkg in unstable"; return 1; }
	echo "${pkg#linux-source-} $ver"
}

# The build recipe's version: bump it when scripts/kernel/build changes
# what it builds, so that cached trees are rebuilt.
NAMEDSHM_KBUILD_RECIPE=1

# src_kernel_hash: the cache key of the build recipe: the config fragment,
# the recipe's version and the compiler.
src_kernel_hash() {
	{
		cat "$NAMEDSHM_KERNEL_CONFIG"
		echo "recipe $NAMEDSHM_KBUILD_RECIPE"
		gcc --version | head -n1
	} | sha256sum | cut -c1-10
}

# src_kernel_resolve K: "SERIES VERSION ABI" of the source-built kernel K
# (latest, debug or a series).  The ABI names its cache directory,
# $NAMEDSHM_CACHE/kernels/ABI.  When unstable cannot be reached, or has
# moved past the series asked for, the newest cached build of that series
# (of this recipe) serves.
src_kernel_resolve() {
	local k=$1 want= series= ver= hash d
	[[ $k == latest || $k == debug ]] || want=$k
	hash=$(src_kernel_hash)
	if read -r series ver < <(unstable_latest) && [[ -n $ver ]] &&
		[[ -z $want || $want == "$series" ]]; then
		echo "$series $ver $ver-debug-$hash"
		return 0
	fi
	d=$(for d in "$NAMEDSHM_CACHE"/kernels/*-debug-"$hash"; do
		[[ -e $d/.complete ]] || continue
		d=${d##*/}
		[[ -z $want || $(ver_series "$d") == "$want" ]] && echo "$d"
	done | sort -V | tail -n1)
	if [[ -n $d ]]; then
		ver=${d%-debug-"$hash"}
		log "using the cached build $d"
		echo "$(ver_series "$ver") $ver $d"
		return 0
	fi
	if [[ -n $ver ]]; then
		log "kernel '$k': Debian unstable has $series ($ver), and no build of $want is cached"
	fi
	return 1
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
