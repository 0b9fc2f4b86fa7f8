# SPDX-License-Identifier: GPL-2.0
# Where things live, and messages.  Sourced (through scripts/lib.sh).

NAMEDSHM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Downloads and extracted kernels survive `make clean` and new checkouts:
# root's cache is machine-wide, an ordinary user's is in the XDG cache.
if [[ -z ${NAMEDSHM_CACHE:-} ]]; then
	if [[ $(id -u) == 0 ]]; then
		NAMEDSHM_CACHE=/var/cache/namedshm
	else
		NAMEDSHM_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/namedshm
	fi
fi
NAMEDSHM_BUILD=${NAMEDSHM_BUILD:-$NAMEDSHM_ROOT/build}
# The cache needs this much free space (MiB) before anything is fetched
# or built into it: the debug kernel's tree alone is about 2 GB.
NAMEDSHM_CACHE_MIN_MB=${NAMEDSHM_CACHE_MIN_MB:-6144}

log() { printf '%s\n' "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# cache_init: create the cache directory, and stop early with one line
# when its file system has too little room.
cache_init() {
	local avail
	mkdir -p "$NAMEDSHM_CACHE" 2>/dev/null ||
		die "cannot create the cache directory $NAMEDSHM_CACHE (set NAMEDSHM_CACHE to a writable directory)"
	[[ -n ${_namedshm_cache_checked:-} ]] && return 0
	avail=$(df -Pm "$NAMEDSHM_CACHE" | awk 'NR == 2 { print $4 }')
	if [[ -n $avail ]] && ((avail < NAMEDSHM_CACHE_MIN_MB)); then
		die "only ${avail} MiB free for the cache $NAMEDSHM_CACHE; need ${NAMEDSHM_CACHE_MIN_MB} MiB (free some space or set NAMEDSHM_CACHE elsewhere)"
	fi
	_namedshm_cache_checked=1
}

# vm_lock [all]: take a slot of the machine-wide lock that bounds how
# many guests run at once: NAMEDSHM_VM_SLOTS of them (default: the number
# of cores, each single-threaded TCG guest keeping one busy), or with
# `all` (or NAMEDSHM_VM_EXCLUSIVE=1) every slot: kernel builds, which use
# every core, and benchmarks, which must run alone.  Slot 0 is vm.lock,
# slot N vm.lock.N.  The lock is root's cache's for everyone who can open
# it (so that every user's guests queue behind each other), else one in
# the user's own cache.  Held until the process exits.
vm_lock() {
	[[ -n ${NAMEDSHM_VM_LOCKED:-} ]] && return 0
	local dir=/var/cache/namedshm n i fd f said=
	n=${NAMEDSHM_VM_SLOTS:-$(nproc)}
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "NAMEDSHM_VM_SLOTS='$n' is not a positive number"
	# flock needs no write access: a read-only open of root's lock files
	# serves an ordinary user.
	if ! { exec {fd}>>"$dir/vm.lock"; } 2>/dev/null &&
		! { exec {fd}<"$dir/vm.lock"; } 2>/dev/null; then
		dir=$NAMEDSHM_CACHE
	else
		exec {fd}>&-
	fi
	# vm_lock_open SLOT: its lock file open on $fd; fails if an ordinary
	# user cannot open it (root has not made it yet): that slot is not
	# used.
	vm_lock_open() {
		[[ $1 == 0 ]] && f=$dir/vm.lock || f=$dir/vm.lock.$1
		{ exec {fd}>>"$f"; } 2>/dev/null || { exec {fd}<"$f"; } 2>/dev/null
	}
	if [[ ${1:-} == all || -n ${NAMEDSHM_VM_EXCLUSIVE:-} ]]; then
		for ((i = 0; i < n; i++)); do
			vm_lock_open "$i" || continue
			if ! flock -n "$fd"; then
				[[ -n $said ]] || log "${0##*/}: waiting for the VM lock ($dir/vm.lock*: other guests or a kernel build are running)"
				said=1
				flock "$fd"
			fi
		done
	else
		while :; do
			for ((i = 0; i < n; i++)); do
				vm_lock_open "$i" || continue
				flock -n "$fd" && break 2
				exec {fd}>&-
			done
			[[ -n $said ]] || log "${0##*/}: waiting for the VM lock ($dir/vm.lock*: $n guests or a kernel build are running)"
			said=1
			sleep 1
		done
	fi
	export NAMEDSHM_VM_LOCKED=1
}
