#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the test VM: CE-style programs (ported from Windows CE by
# including <cemapping.h>) share named file mappings.
set -e

echo "== 1. ce-writer creates Local\\CeDemoBoard and posts a message =="
./ce-writer "hello from the CE writer" &
writer=$!
# Wait until the name exists.
i=0
until ./ce-reader --open-only >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 500 ] || exit 1; sleep 0.01
done
sleep 0.2

echo
echo "== 2. /proc/namedshm: the kernel knows it as \"CeDemoBoard\" =="
cat /proc/namedshm

echo
echo "== 3. ce-reader calls CreateFileMapping with the name: 183 =="
./ce-reader "hello back from the CE reader"
wait $writer

echo
echo "== 4. Both handles closed: OpenFileMapping fails with 2 =="
./ce-reader --open-only || [ $? = 3 ]

echo
echo "== 5. A file-backed mapping persists in its file =="
rm -f /tmp/ce-demo.dat
./ce-file /tmp/ce-demo.dat
./ce-file /tmp/ce-demo.dat
echo "the file says: $(head -n 1 /tmp/ce-demo.dat)"
./ce-file --create-new /tmp/ce-demo.dat || true
