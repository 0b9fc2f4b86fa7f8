#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the test VM: programs written as for Windows (<windows.h>,
# <tchar.h>, _tmain, TEXT(), Sleep, InterlockedIncrement), built unchanged
# through the Win32 include directory, share a named file mapping.
set -e

pair() { # writer reader message
	./"$1" "$3" &
	writer=$!
	i=0
	until ./"$2" --open-only >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 500 ] || exit 1; sleep 0.01
	done
	./"$2"
	wait $writer
}

echo "== 1. UNICODE build (-fshort-wchar, L\"\" strings): C writer, C++ reader =="
pair win32-writer-unicode-c win32-reader-unicode-cxx "$(printf 'h\303\251llo, wide world')"

echo
echo "== 2. ANSI build: C++ writer, C reader =="
pair win32-writer-ansi-cxx win32-reader-ansi-c "hello, narrow world"

echo
echo "== 3. Both gone: OpenFileMapping fails with 2 (ERROR_FILE_NOT_FOUND) =="
./win32-reader-ansi-c --open-only || [ $? = 3 ]
