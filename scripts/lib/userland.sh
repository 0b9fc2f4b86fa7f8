# SPDX-License-Identifier: GPL-2.0
# User space of each matrix entry's guest: the compiler its library,
# tests and examples are built with, where they are built, and the guest's
# busybox.  Sourced.

# userland_build_dir E: the build directory of E's user space: build/ for
# x86_64 (the host's own), build/ARCH/ for the others.
userland_build_dir() {
	local a
	a=$(entry_arch "$1")
	if [[ $a == x86_64 ]]; then
		echo "$NAMEDSHM_BUILD"
	else
		echo "$NAMEDSHM_BUILD/$a"
	fi
}

# cross_gcc_bin ARCH: the directory holding ARCH's cross gcc-12 driver.
# Debian's gcc-12-aarch64-linux-gnu and gcc-12-arm-linux-gnueabihf
# conflict with gcc-multilib (which other work on a machine may need), so
# the drivers are extracted into the cache instead of installed; the rest
# of each cross compiler (cpp-12-*: cc1; libgcc-12-dev-*-cross; binutils;
# the target libc in /usr/TRIPLET) is installed normally and linked into
# the extracted tree, where the relocated driver looks for it.
cross_gcc_bin() {
	local a=$1 t deb d sub f pkg
	case $a in
	arm64) t=aarch64-linux-gnu ;;
	armhf) t=arm-linux-gnueabihf ;;
	*) die "no cross compiler for $a" ;;
	esac
	d=$NAMEDSHM_CACHE/toolchain/gcc-g++-12-$t
	if [[ ! -e $d/.complete ]]; then
		cache_init
		rm -rf "$d"
		for pkg in gcc-12 g++-12; do
			deb=$(papt_fetch bookworm "$pkg-$t:amd64" "$d/dl") || exit 1
			dpkg-deb -x "$deb" "$d/root"
		done
		for sub in lib libexec; do
			[[ -d /usr/$sub/gcc-cross/$t/12 ]] || continue
			mkdir -p "$d/root/usr/$sub/gcc-cross/$t/12"
			for f in /usr/$sub/gcc-cross/$t/12/*; do
				[[ -e $d/root/usr/$sub/gcc-cross/$t/12/${f##*/} ||
					-L $d/root/usr/$sub/gcc-cross/$t/12/${f##*/} ]] ||
					ln -s "$f" "$d/root/usr/$sub/gcc-cross/$t/12/"
			done
		done
		ln -sfn "/usr/$t" "$d/root/usr/$t"
		rm -rf "$d/dl"
		echo 'int main(void) { return 0; }' >"$d/probe.c"
		"$d/root/usr/bin/$t-gcc-12" -static -o "$d/probe" "$d/probe.c" ||
			die "the cross compiler $d/root/usr/bin/$t-gcc-12 does not work"
		"$d/root/usr/bin/$t-g++-12" -static -x c++ -o "$d/probe" "$d/probe.c" ||
			die "the cross compiler $d/root/usr/bin/$t-g++-12 does not work"
		touch "$d/.complete"
	fi
	echo "$d/root/usr/bin"
}

# userland_asm_dir: a directory holding only asm -> the x86 uapi asm
# headers (which serve 32- and 64-bit builds alike): what gcc-multilib's
# /usr/include/asm link gives -m32 builds, without the package, which
# conflicts with the cross compilers.
userland_asm_dir() {
	local d=$NAMEDSHM_BUILD/i386/asm-include
	[[ -e $d/asm ]] || { mkdir -p "$d" && ln -sfn /usr/include/x86_64-linux-gnu/asm "$d/asm"; }
	echo "$d"
}

# userland_make_vars E: make variables that build E's user space, one a
# line.  On 32-bit targets the 6.1 kselftest harness's ASSERT_*/EXPECT_*
# cast pointers to intmax_t (a wider integer): -Wpointer-to-int-cast
# would fail the -Werror test build on every pointer assertion.
userland_make_vars() {
	case $(entry_arch "$1") in
	x86_64) ;;
	i386) printf '%s\n' "CC=gcc -m32 -idirafter $(userland_asm_dir)" \
		"CXX=g++ -m32 -idirafter $(userland_asm_dir)" ;;
	arm64) printf '%s\n' "CC=$(cross_gcc_bin arm64)/aarch64-linux-gnu-gcc-12" \
		"CXX=$(cross_gcc_bin arm64)/aarch64-linux-gnu-g++-12" \
		AR=aarch64-linux-gnu-ar ;;
	armhf) printf '%s\n' "CC=$(cross_gcc_bin armhf)/arm-linux-gnueabihf-gcc-12" \
		"CXX=$(cross_gcc_bin armhf)/arm-linux-gnueabihf-g++-12" \
		AR=arm-linux-gnueabihf-ar ;;
	esac
	case $(entry_arch "$1") in
	i386 | armhf) echo TEST_EXTRA_CFLAGS=-Wno-pointer-to-int-cast ;;
	esac
}

# userland_build E TARGET...: make TARGETs (lib, tests, examples) for E's
# user space.
userland_build() {
	local e=$1 vars=()
	shift
	mapfile -t vars < <(userland_make_vars "$e")
	make -s -C "$NAMEDSHM_ROOT" BUILD="$(userland_build_dir "$e")" \
		"${vars[@]}" "$@" >&2
}

# guest_busybox E: a static busybox for E's guest: the host's for x86
# (the 64-bit one serves i386 guests too: only the tests are 32-bit),
# Debian's busybox-static of that architecture otherwise.
guest_busybox() {
	local a d deb
	a=$(deb_arch "$(entry_karch "$1")")
	if [[ $a == amd64 ]]; then
		echo /bin/busybox
		return 0
	fi
	d=$NAMEDSHM_CACHE/busybox/$a
	if [[ ! -x $d/busybox ]]; then
		cache_init
		deb=$(papt_fetch bookworm "busybox-static:$a" "$d/dl") || exit 1
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./bin/busybox >"$d/busybox.tmp" ||
			die "no busybox in $deb"
		chmod 755 "$d/busybox.tmp"
		mv "$d/busybox.tmp" "$d/busybox"
		rm -rf "$d/dl"
	fi
	echo "$d/busybox"
}
