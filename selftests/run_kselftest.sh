#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs the test programs named on the command line, in order, from the
# current directory, and prints TAP the way the kernel's kselftest runner
# does: each program's own TAP indented with "# ", then one "ok N" or
# "not ok N" line per program.  Exits non-zero if any program failed.
# POSIX sh: it runs under busybox in the test VM.

total=$#
n=0
failed=0
echo "TAP version 13"
echo "1..$total"
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: namedshm: $t"
	rcfile=/tmp/.ksft-rc.$$
	{ ./"$t" 2>&1; echo $? >"$rcfile"; } | sed 's/^/# /'
	rc=$(cat "$rcfile")
	rm -f "$rcfile"
	if [ "$rc" = 0 ]; then
		echo "ok $n selftests: namedshm: $t"
	elif [ "$rc" = 4 ]; then
		echo "ok $n selftests: namedshm: $t # SKIP"
	else
		echo "not ok $n selftests: namedshm: $t # exit=$rc"
		failed=1
	fi
done
exit $failed
