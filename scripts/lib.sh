# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts in this directory; sourced, not run.  Messages go
# to stderr; results to stdout.  Each part is one file of scripts/lib/:
#   common.sh    where things live (cache, build), messages, the VM lock
#   apt.sh       host packages; private apt for other suites and arches
#   matrix.sh    matrix entries, Debian kernels and ABIs, images, headers
#   unstable.sh  the newest kernel, built from Debian unstable's source
#   module.sh    building namedshm.ko for an entry's kernel
#   ksrc.sh      the kselftest harness and checkpatch from linux-source
#   qemu.sh      each entry's QEMU machine, console and serial ports
#   userland.sh  each entry's compiler, build directory and busybox
#   deps.sh      the packages each entry needs

for _namedshm_part in common apt matrix unstable module ksrc qemu userland deps; do
	# shellcheck disable=SC1090
	. "$(dirname "${BASH_SOURCE[0]}")/lib/$_namedshm_part.sh"
done
unset _namedshm_part
