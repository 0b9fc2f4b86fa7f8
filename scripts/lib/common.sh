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

# vm_lock: take the machine-wide lock (fd 9) that serialises guests and
# kernel builds: under TCG a guest wants both cores.  The lock is root's
# cache's vm.lock for everyone who can open it (so that every user's
# guests queue behind each other), else one in the user's own cache.
vm_lock() {
	[[ -n ${NAMEDSHM_VM_LOCKED:-} ]] && return 0
	local f=/var/cache/namedshm/vm.lock
	# flock needs no write access: a read-only open of root's lock file
	# serves an ordinary user.
	if ! { exec 9>>"$f"; } 2>/dev/null && ! { exec 9<"$f"; } 2>/dev/null; then
		f=$NAMEDSHM_CACHE/vm.lock
		exec 9>>"$f"
	fi
	if ! flock -n 9; then
		log "${0##*/}: waiting for the VM lock ($f: another guest or kernel build is running)"
		flock 9
	fi
	export NAMEDSHM_VM_LOCKED=1
}
