#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs the test programs named on the command line, in order, from the
# current directory, and prints TAP the way the kernel's kselftest runner
# does: each program's own TAP indented with "# ", then one "ok N" or
# "not ok N" line per program.  Exits non-zero if any program failed.
# POSIX sh: it runs under busybox in the test VM.
#
# An argument NAME@SECONDS gives NAME a time limit: past it the program is
# killed and reported "not ok ... # TIMEOUT SECONDS seconds".  After each
# program a line "# selftests: namedshm: NAME: N s" gives its run time.

total=$#
n=0
failed=0
echo "TAP version 13"
echo "1..$total"
for arg in "$@"; do
	n=$((n + 1))
	t=${arg%@*}
	limit=
	[ "$t" != "$arg" ] && limit=${arg##*@}
	echo "# selftests: namedshm: $t"
	rcfile=/tmp/.ksft-rc.$$
	start=$(date +%s)
	if [ -n "$limit" ]; then
		{ timeout -s KILL "$limit" ./"$t" 2>&1; echo $? >"$rcfile"; } |
			sed 's/^/# /'
	else
		{ ./"$t" 2>&1; echo $? >"$rcfile"; } | sed 's/^/# /'
	fi
	rc=$(cat "$rcfile")
	rm -f "$rcfile"
	took=$(($(date +%s) - start))
	echo "# selftests: namedshm: $t: $took s"
	if [ "$rc" = 0 ]; then
		echo "ok $n selftests: namedshm: $t"
	elif [ "$rc" = 4 ]; then
		echo "ok $n selftests: namedshm: $t # SKIP"
	elif [ -n "$limit" ] && [ "$rc" = 137 ] && [ "$took" -ge "$limit" ]; then
		echo "not ok $n selftests: namedshm: $t # TIMEOUT $limit seconds"
		failed=1
	else
		echo "not ok $n selftests: namedshm: $t # exit=$rc"
		failed=1
	fi
done
exit $failed
