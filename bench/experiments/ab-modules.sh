#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A/B of namedshm module variants in one guest, one boot: stock, exp1,
# exp2, then stock again (to see drift).  Not part of `make bench`; it
# produced ab-modules-6.12.log, quoted in BENCHMARKS.md.
#
# exp1 = handle-path-hash17.patch: handles opened with dentry_open() on
#        one module-wide inode/dentry instead of anon_inode_getfile()
#        (no dentry allocated per handle), and 2^17 hash buckets, not 2^14.
# exp2 = handle-path-hash17-stackname.patch: exp1, plus names of up to 64
#        bytes copied to the stack instead of memdup_user().
#
# Reproduce (host, as root, from the top of the tree; V = the kernel ABI):
#   V=6.12.117+deb12; H=/usr/src/linux-headers-$V-amd64
#   for e in stock exp1 exp2; do
#     d=/tmp/ab-$e; rm -rf $d; mkdir -p $d/include/uapi/linux
#     cp Kbuild $d/; cp -r module $d/
#     cp include/uapi/linux/namedshm.h $d/include/uapi/linux/
#     [ $e = exp1 ] && patch -d $d -p1 <bench/experiments/handle-path-hash17.patch
#     [ $e = exp2 ] && patch -d $d -p1 <bench/experiments/handle-path-hash17-stackname.patch
#     make -C $H M=$d modules && cp $d/namedshm.ko /tmp/$e-$V.ko
#   done
#   scripts/bench --quick --only B1   # builds build/bench/namedshm_bench
#   scripts/vm-run --kernel 6.12 --memory 3072 --timeout 1500 \
#     --add bench/experiments/ab-modules.sh --add build/bench/namedshm_bench \
#     --add /tmp/stock-$V.ko --add /tmp/exp1-$V.ko --add /tmp/exp2-$V.ko \
#     -- ./ab-modules.sh
K=$(uname -r)
run() {
	echo "=== EXPERIMENT $1 ($K)"
	./namedshm_bench --only A,B1,B2,B3,B5 2>/dev/null |
		sed -n '/^     metric/,/^(ratio/p'
}
swap() {
	rmmod namedshm || exit 1
	insmod "$1" || exit 1
}
case $K in 6.1.*) V=6.1.0-56 ;; *) V=6.12.117+deb12 ;; esac
swap ./stock-$V.ko; run stock
swap ./exp1-$V.ko; run exp1
swap ./exp2-$V.ko; run exp2
swap ./stock-$V.ko; run stock-again
