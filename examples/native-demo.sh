#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the test VM (make demo): two unrelated processes share memory
# through a region they both know only by name.
set -e
name="demo/board"

echo "== 1. The writer creates \"$name\" and posts a message =="
./native-writer "$name" "hello from the writer" &
writer=$!
# Wait until the name exists.
i=0
until ./native-reader --open-only "$name" >/dev/null 2>&1 &&
	grep -q "demo/board" /proc/namedshm; do
	i=$((i + 1)); [ $i -lt 500 ] || exit 1; sleep 0.01
done
sleep 0.2

echo
echo "== 2. /proc/namedshm while the writer holds it =="
cat /proc/namedshm

echo
echo "== 3. An unrelated process opens it by name: ALREADY EXISTS =="
./native-reader "$name" "hello back from the reader"
wait $writer

echo
echo "== 4. Both handles closed: the name is gone at once =="
cat /proc/namedshm
./native-reader --open-only "$name"
