#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the test VM: a producer and a consumer share frames through a
# named mapping, a named mutex and a named event; the producer is killed
# holding the mutex, the consumer gets WAIT_ABANDONED and carries on.
set -e

echo "== 1. consumer and producer meet by name =="
./ce-consumer > consumer.log 2>&1 &
consumer=$!
./ce-producer 1 5 --hold-at 3 > producer.log 2>&1 &
producer=$!
i=0
until grep -q holding producer.log; do
	i=$((i + 1)); [ $i -lt 1000 ] || exit 1; sleep 0.01
done
cat producer.log
echo
echo "== 2. /proc/namedshm: one mapping, one mutex, one event =="
cat /proc/namedshm

echo
echo "== 3. kill -9 the producer while it holds the lock =="
kill -9 $producer
wait $producer || true
i=0
until grep -q WAIT_ABANDONED consumer.log; do
	i=$((i + 1)); [ $i -lt 1000 ] || exit 1; sleep 0.01
done
cat consumer.log

echo
echo "== 4. a new producer carries on =="
./ce-producer 4 6
wait $consumer
echo
echo "== the consumer's view =="
cat consumer.log

echo
echo "== 5. every handle closed: the names are gone =="
cat /proc/namedshm
