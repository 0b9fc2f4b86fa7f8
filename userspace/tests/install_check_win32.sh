#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Host check of an installed libnamedshm (make check's host stage):
#   install_check_win32.sh STAGE
# with STAGE a `make install DESTDIR=STAGE PREFIX=/usr` tree.
#  1. The Windows-style examples build unchanged through
#     `pkg-config namedshm-win32`, shared and static, ANSI and UNICODE
#     (-fshort-wchar), as C and as C++, and run: without the module
#     OpenFileMapping fails with ERROR_NOT_SUPPORTED (50), with it the
#     probe name is missing (2).
#  2. Native users get no Win32 names: libnamedshm.so exports none, and a
#     native program that defines its own CloseHandle and Sleep links
#     against -lnamedshm, shared and static.
set -euo pipefail
stage=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
export PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH=$stage/usr/lib/pkgconfig
export LD_LIBRARY_PATH=$stage/usr/lib
out=$stage/win32-check
mkdir -p "$out"
want=50
[[ -e /dev/namedshm ]] && want=2

run() { # binary: "failed (N)" with the wanted N, exit status 1 or 3
	local got
	got=$("$@" --open-only || true)
	echo "$got"
	[[ $got == *"failed ($want)"* ]]
}

for prog in win32-writer win32-reader; do
	for lang in c cxx; do
		for mode in ansi unicode; do
			cc=(gcc -std=c11)
			[[ $lang == cxx ]] && cc=(g++ -std=c++11 -x c++)
			flags=()
			[[ $mode == unicode ]] &&
				flags=(-DUNICODE -D_UNICODE -fshort-wchar)
			bin=$out/$prog-$mode-$lang
			# shellcheck disable=SC2046
			"${cc[@]}" -Wall -Wextra -Werror "${flags[@]}" \
				$(pkg-config --cflags namedshm-win32) \
				"$src/examples/$prog.c" -x none \
				$(pkg-config --libs namedshm-win32) -o "$bin"
			# shellcheck disable=SC2046
			"${cc[@]}" -Wall -Wextra -Werror -static "${flags[@]}" \
				$(pkg-config --cflags namedshm-win32) \
				"$src/examples/$prog.c" -x none \
				$(pkg-config --static --libs namedshm-win32) \
				-pthread -o "$bin.static"
			ldd "$bin" | grep "libnamedshm-win32.so.2 => $stage/usr/lib/" >/dev/null
			if [[ $prog == win32-reader ]]; then
				run "$bin"
				run "$bin.static"
			fi
		done
	done
done
echo "examples: built 16 ways, readers ran"

# 2. No Win32 names in libnamedshm.
if nm -D --defined-only "$stage/usr/lib/libnamedshm.so" |
	grep -E ' (CloseHandle|CreateFileMappingA|Sleep|GetLastError)(@|$)'; then
	echo "libnamedshm.so exports Win32 names"
	exit 1
fi
cat >"$out/native.c" <<'C'
#include <stdio.h>
#include <namedshm.h>
/* A native program's own functions with Win32 names. */
int CloseHandle(int fd) { return fd; }
void Sleep(unsigned ms) { (void)ms; }
int main(void)
{
	Sleep(0);
	printf("%s %d\n", namedshm_version(), CloseHandle(7));
	return 0;
}
C
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Werror "$out/native.c" \
	$(pkg-config --cflags --libs namedshm) -o "$out/native"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Werror -static "$out/native.c" \
	$(pkg-config --cflags --static --libs namedshm) -o "$out/native.static"
"$out/native" | grep -q " 7$"
"$out/native.static" | grep -q " 7$"
if nm -D "$out/native" | grep -q CreateFileMapping; then exit 1; fi
echo "native: no Win32 names"
