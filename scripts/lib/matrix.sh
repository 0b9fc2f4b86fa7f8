# SPDX-License-Identifier: GPL-2.0
# The kernel matrix: its entries, the Debian kernels they name and their
# current ABIs, and fetching images and headers.  Sourced.
#
# An entry is [ARCH:]VERSION:
#   ARCH     x86_64 (the default; also amd64), arm64, armhf (a 32-bit
#            kernel and 32-bit user space), or i386 (32-bit user space on
#            the x86_64 kernel: the compat ioctl path)
#   VERSION  5.10 (Debian 11), 6.1 (Debian 12), 6.12 (Debian 12's
#            6.12 series), or latest (synonyms: debug, or its series, e.g.
#            7.2): Debian unstable's newest kernel, built here with
#            sanitizers (x86_64 and i386 only), or kcsan: the same
#            kernel with KCSAN instead of KASAN (x86_64 only; it runs
#            the programs that race, KCSAN_PROGRAMS in scripts/check)

# The matrix `make check` runs: every entry, the longest first (entries
# run side by side, one a core, so the long ones should not come last).
NAMEDSHM_MATRIX_DEFAULT="latest armhf:6.12 arm64:6.12 kcsan 6.1 6.12 i386:6.12 5.10"
# The entry vm-run, make demo and make stress/fuzz use when not told.
NAMEDSHM_DEFAULT_ENTRY=6.1
NAMEDSHM_MATRIX=${NAMEDSHM_MATRIX-$NAMEDSHM_MATRIX_DEFAULT}

NAMEDSHM_ARCHES="x86_64 arm64 armhf i386"
NAMEDSHM_VERSIONS="5.10 6.1 6.12 latest kcsan"

# entry_arch E: the user space architecture of entry E.
entry_arch() {
	local a=x86_64
	[[ $1 == *:* ]] && a=${1%%:*}
	[[ $a == amd64 ]] && a=x86_64
	echo "$a"
}
# entry_ver E: the kernel version part of entry E.
entry_ver() { echo "${1##*:}"; }
# entry_karch E: the architecture of entry E's kernel.
entry_karch() {
	local a
	a=$(entry_arch "$1")
	[[ $a == i386 ]] && a=x86_64
	echo "$a"
}
# deb_arch ARCH: Debian's name for an architecture.
deb_arch() {
	case $1 in
	x86_64) echo amd64 ;;
	*) echo "$1" ;;
	esac
}

# entry_check E: stop with one line unless E is a matrix entry this
# project knows.
entry_check() {
	local a v
	[[ $1 =~ ^([A-Za-z0-9_]+:)?[A-Za-z0-9.]+$ ]] ||
		die "'$1' is not a matrix entry ([ARCH:]VERSION; ARCH: $NAMEDSHM_ARCHES; VERSION: $NAMEDSHM_VERSIONS)"
	a=$(entry_arch "$1")
	v=$(entry_ver "$1")
	[[ " $NAMEDSHM_ARCHES " == *" $a "* ]] ||
		die "matrix entry '$1': unknown architecture '$a' (known: $NAMEDSHM_ARCHES)"
	case $v in
	5.10 | 6.1 | 6.12) ;;
	kcsan)
		[[ $a == x86_64 ]] ||
			die "matrix entry '$1': the KCSAN kernel is x86_64 only (use kcsan)"
		;;
	latest | debug | [1-9]*.[0-9]*)
		# A series: the newest one (7.2 today), or an older one
		# whose build is cached; never one Debian ships built.
		[[ $v =~ ^(latest|debug|([0-9]+)\.([0-9]+))$ ]] &&
			{ [[ -z ${BASH_REMATCH[2]} ]] ||
				((BASH_REMATCH[2] * 1000 + BASH_REMATCH[3] > 6012)); } ||
			die "matrix entry '$1': unknown kernel '$v' (known: $NAMEDSHM_VERSIONS)"
		[[ $(entry_karch "$1") == x86_64 ]] ||
			die "matrix entry '$1': the source-built kernel is x86_64 only (use $a:6.12)"
		;;
	*) die "matrix entry '$1': unknown kernel '$v' (known: $NAMEDSHM_VERSIONS)" ;;
	esac
	if [[ $v == 5.10 && $a != x86_64 && $a != i386 ]]; then
		die "matrix entry '$1': 5.10 is x86_64 only here"
	fi
}

# matrix_check: stop with one line if the matrix is empty or names an
# unknown entry.
matrix_check() {
	local e n=0
	for e in $NAMEDSHM_MATRIX; do
		entry_check "$e"
		n=$((n + 1))
	done
	((n)) || die "NAMEDSHM_MATRIX is empty: name at least one entry (e.g. NAMEDSHM_MATRIX=6.12; default: $NAMEDSHM_MATRIX_DEFAULT)"
}

# kernel_kind E: "debian" for a kernel Debian ships built, "source" for
# the newest kernel, built here from Debian unstable's source.
kernel_kind() {
	entry_check "$1"
	case $(entry_ver "$1") in
	5.10 | 6.1 | 6.12) echo debian ;;
	*) echo source ;;
	esac
}

# debian_kernel E: "SUITE METAPACKAGE" of a Debian-built kernel: the
# headers metapackage whose dependency names the current ABI.
debian_kernel() {
	local a v
	a=$(deb_arch "$(entry_karch "$1")")
	v=$(entry_ver "$1")
	[[ $a == armhf ]] && a=armmp-lpae
	case $v in
	5.10) echo "bullseye linux-headers-$a" ;;
	6.1) echo "bookworm linux-headers-$a" ;;
	6.12) echo "bookworm linux-headers-6.12-$a" ;;
	*) die "'$1' is not a Debian-built kernel" ;;
	esac
}

# kernel_matrix: the matrix, one line, with `latest`/`debug` replaced by
# the series they resolve to (7.2), duplicates dropped.
kernel_matrix() {
	local k series a
	for k in $NAMEDSHM_MATRIX; do
		# Unresolvable (no network, nothing cached): left as it is,
		# for vm-run to fail on with the reason.
		if [[ $(kernel_kind "$k") == source && $(entry_ver "$k") != kcsan ]] &&
			read -r series _ < <(src_kernel_resolve "$(entry_ver "$k")"); then
			a=$(entry_arch "$k")
			k=$series
			[[ $a == x86_64 ]] || k=$a:$series
		fi
		printf '%s\n' "$k"
	done | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
	echo
}

# kernel_abi E: the ABI name of E's kernel: for a Debian kernel its
# current Debian ABI (6.1.0-57-amd64, 6.12.117+deb12-arm64), resolved
# through the headers metapackage; for the source-built kernel its cache
# name (7.2.13-1-debug-0123456789).
kernel_abi() {
	local suite meta abi dep
	if [[ $(kernel_kind "$1") == source ]]; then
		read -r _ _ abi < <(src_kernel_resolve "$(entry_ver "$1")" 2>/dev/null) || true
		[[ -n $abi ]] ||
			die "kernel '$1': not Debian unstable's current series, and no build of it is cached (Debian unstable unreachable?)"
		echo "$abi"
		return 0
	fi
	read -r suite meta < <(debian_kernel "$1")
	papt_update "$suite"
	dep=$(papt_depends "$suite" "$meta:$(deb_arch "$(entry_karch "$1")")")
	if [[ -z $dep ]]; then
		papt_update "$suite" force
		dep=$(papt_depends "$suite" "$meta:$(deb_arch "$(entry_karch "$1")")")
	fi
	[[ -n $dep ]] ||
		die "kernel '$1': Debian $suite no longer serves $meta (no current ABI)"
	abi=${dep#linux-headers-}
	echo "${abi%%:*}"
}

# kernel_fetch E: make sure the image and headers of E's kernel are in
# the cache; prints "ABI VMLINUZ HEADERS_DIR".  Debian kernels are
# downloaded and extracted (never installed): image, headers, the common
# headers and the amd64 kbuild tools, which serve every architecture's
# headers (cross builds set ARCH and CROSS_COMPILE in the headers' own
# .kernelvariables).
kernel_fetch() {
	local e=$1 abi dir suite arch dl deb pkg common kbuild hdr
	cache_init
	if [[ $(kernel_kind "$e") == source ]]; then
		# Builds it the first time (about 15 minutes), under the VM lock.
		"$NAMEDSHM_ROOT/scripts/kernel/build" "$(entry_ver "$e")" || exit 1
		return 0
	fi
	abi=$(kernel_abi "$e") || exit 1
	read -r suite _ < <(debian_kernel "$e")
	arch=$(deb_arch "$(entry_karch "$e")")
	dir=$NAMEDSHM_CACHE/kernels/$abi
	hdr=$dir/root/usr/src/linux-headers-$abi
	if [[ ! -s $dir/vmlinuz ]]; then
		dl=$dir/dl
		deb=$(papt_fetch "$suite" "linux-image-$abi:$arch" "$dl") || exit 1
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./boot/vmlinuz-$abi" >"$dir/vmlinuz.tmp" ||
			die "no vmlinuz in $deb"
		mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
		rm -f "$deb"
	fi
	if [[ ! -e $dir/root/.complete ]]; then
		dl=$dir/dl
		rm -rf "$dir/root"
		mkdir -p "$dir/root"
		deb=$(papt_fetch "$suite" "linux-headers-$abi:$arch" "$dl") || exit 1
		dpkg-deb -x "$deb" "$dir/root"
		# The arch-independent headers and the (amd64) kbuild tools it
		# depends on.
		for pkg in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
			sed -n 's/^ *\(linux-\(headers\|kbuild\)-[^ (]*\).*/\1/p'); do
			deb=$(papt_fetch "$suite" "$pkg:amd64" "$dl") || exit 1
			dpkg-deb -x "$deb" "$dir/root"
		done
		[[ -e $hdr/scripts/basic/fixdep ]] ||
			die "kernel '$e': headers of $abi have no kbuild tools ($hdr/scripts)"
		rm -rf "$dl"
		touch "$dir/root/.complete"
	fi
	# The headers' Makefile includes the common headers' by an absolute
	# path into /usr/src: make it relative, so that the tree works
	# wherever the cache is (and when copied).
	if grep -q '^include /' "$hdr/Makefile"; then
		sed -i 's|^include /.*/\(linux-headers-[^/]*/Makefile\)$|include $(CURDIR)/../\1|' \
			"$hdr/Makefile"
	fi
	echo "$abi $dir/vmlinuz $hdr"
}
