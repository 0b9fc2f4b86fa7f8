#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host check of namedshm(1) without the module (make check's host stage):
# usage errors exit 2 with the message on stderr and nothing on stdout,
# --help and --version exit 0, and with no /dev/namedshm every command
# exits 1 naming the missing device.  tools/tests/host_check.sh COMMAND
set -u
cmd=$1
fails=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
expect() { # expect STATUS STDERR-PATTERN ARGS...
	want=$1 pat=$2
	shift 2
	"$cmd" "$@" >"$t/out" 2>"$t/err"
	rc=$?
	if [ -z "$pat" ]; then
		# Success: nothing on stderr.
		[ -s "$t/err" ] && rc="$rc, with stderr"
	elif ! grep -q -e "$pat" "$t/err"; then
		rc="$rc, stderr not matching"
	fi
	if [ "$rc" != "$want" ]; then
		echo "FAIL: namedshm $*: exit $rc (want $want), stderr:"
		cat "$t/err"
		fails=$((fails + 1))
	elif [ "$want" = 2 ] && [ -s "$t/out" ]; then
		echo "FAIL: namedshm $*: a usage error wrote to stdout"
		fails=$((fails + 1))
	else
		echo "ok: namedshm $* -> $rc"
	fi
}
expect 2 "missing command" 
expect 2 "unknown command 'frob'" frob
expect 2 "unrecognized option '--frob'" --frob list
expect 2 "missing NAME operand" info
expect 2 "extra operand 'b'" info a b
expect 2 "invalid size: '0'" create a 0 --hold
expect 2 "invalid size: '12Q'" create a 12Q --hold
expect 2 "--hold is required" create a 4096
expect 2 "invalid mode: '999'" create a 4096 --hold --mode 999
expect 2 "cat: --json is not supported" cat a --json
expect 2 "extra operand 'x'" limits x
expect 0 "" --help
grep -q "^Usage: " "$t/out" || { echo "FAIL: --help: no usage"; fails=$((fails + 1)); }
expect 0 "" --version
grep -q "^namedshm (libnamedshm) [0-9]" "$t/out" ||
	{ echo "FAIL: --version"; fails=$((fails + 1)); }
if [ ! -e /dev/namedshm ]; then
	expect 1 "/proc/namedshm: No such device (is the namedshm module loaded?)" list
	expect 1 "/dev/namedshm: No such device" limits
	expect 1 "^namedshm: board: No such device" info board
	expect 1 "^namedshm: board: No such device" cat board
	expect 1 "^namedshm: board: No such device" create board 4096 --hold
fi
echo "$fails failed"
[ "$fails" = 0 ]
