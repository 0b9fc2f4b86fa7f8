# SPDX-License-Identifier: GPL-2.0
# The newest kernel, built from Debian unstable's source with sanitizers
# (scripts/kernel/build builds it).  unstable is never added to the
# system's apt sources: it is reached through the private apt
# configuration `unstable` (apt.sh), refreshed when older than
# $NAMEDSHM_APT_MAX_AGE hours.  Sourced.

NAMEDSHM_UNSTABLE_APT=${NAMEDSHM_UNSTABLE_APT:-$NAMEDSHM_CACHE/unstable-apt}
NAMEDSHM_KERNEL_CONFIG=$NAMEDSHM_ROOT/scripts/kernel/debug.config
# The flavours of the source-built kernel: `debug` (debug.config: KASAN,
# lockdep, kmemleak, ...) and `kcsan` (debug.config with kcsan.config
# merged over it: KCSAN instead of KASAN, which it excludes).
# What a kernel build needs beyond the host packages.
NAMEDSHM_KBUILD_PACKAGES="make gcc libc6-dev flex bison bc libelf-dev
	libssl-dev xz-utils dpkg debian-archive-keyring"

# unstable_apt apt-get|apt-cache ARG...: run apt on unstable's lists only.
unstable_apt() { papt unstable "$@"; }

# unstable_update [force]: fetch unstable's package lists if they are
# missing or stale (or always, with an argument).  Returns 1 (instead of
# stopping) when they cannot be fetched and none are cached.
unstable_update() {
	(papt_update unstable ${1:+force})
}

# ver_series V: the major.minor of a Debian kernel version (7.2.13-1 -> 7.2).
ver_series() {
	local v=${1%%[-~+]*} a b
	IFS=. read -r a b _ <<<"$v"
	echo "$a.$b"
}

# unstable_latest: "SERIES VERSION" of the kernel source that unstable's
# linux-source metapackage points to, e.g. "7.2 7.2.13-1".
unstable_latest() {
	local pkg ver
	unstable_update || return 1
	pkg=$(unstable_apt apt-cache depends linux-source 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | head -n1)
	if [[ -z $pkg ]]; then
		# Lists fetched before the metapackage moved: refresh once.
		unstable_update force || return 1
		pkg=$(unstable_apt apt-cache depends linux-source 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | head -n1)
	fi
	[[ -n $pkg ]] || { log "unstable has no linux-source metapackage"; return 1; }
	ver=$(unstable_apt apt-cache show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n1)
	[[ -n $ver ]] || { log "cannot resolve $pkg in unstable"; return 1; }
	echo "${pkg#linux-source-} $ver"
}

# The build recipe's version: bump it when scripts/kernel/build changes
# what it builds, so that cached trees are rebuilt.
NAMEDSHM_KBUILD_RECIPE=1

# src_flavour K: the flavour of source-built kernel K (kcsan, or debug
# for latest, debug and a series).
src_flavour() {
	[[ $1 == kcsan ]] && echo kcsan || echo debug
}

# src_kernel_fragments FLAVOUR: the config fragments of FLAVOUR, in
# merge order.
src_kernel_fragments() {
	echo "$NAMEDSHM_KERNEL_CONFIG"
	[[ $1 != kcsan ]] || echo "$NAMEDSHM_ROOT/scripts/kernel/kcsan.config"
}

# src_kernel_config FLAVOUR: FLAVOUR's fragments merged into one (a later
# line about an option replaces an earlier one), on stdout.
src_kernel_config() {
	local f
	mapfile -t f < <(src_kernel_fragments "$1")
	cat "${f[@]}" | awk '
		match($0, /^(# )?CONFIG_[A-Za-z0-9_]+/) {
			name = substr($0, RSTART, RLENGTH)
			sub(/^# /, "", name)
			if (!(name in at))
				order[++n] = name
			at[name] = $0
			next
		}
		END { for (i = 1; i <= n; i++) print at[order[i]] }'
}

# src_kernel_hash FLAVOUR: the cache key of the build recipe: the
# flavour's config fragments, the recipe's version and the compiler.
src_kernel_hash() {
	local f
	mapfile -t f < <(src_kernel_fragments "$1")
	{
		cat "${f[@]}"
		echo "recipe $NAMEDSHM_KBUILD_RECIPE"
		gcc --version | head -n1
	} | sha256sum | cut -c1-10
}

# src_kernel_resolve K: "SERIES VERSION ABI" of the source-built kernel K
# (latest, debug, a series, or kcsan).  The ABI names its cache directory,
# $NAMEDSHM_CACHE/kernels/ABI (7.2.13-1-debug-HASH, 7.2.13-1-kcsan-HASH).
# When unstable cannot be reached, or has moved past the series asked
# for, the newest cached build of that series (of this recipe) serves.
src_kernel_resolve() {
	local k=$1 want= series= ver= hash d fl
	fl=$(src_flavour "$k")
	[[ $k == latest || $k == debug || $k == kcsan ]] || want=$k
	hash=$(src_kernel_hash "$fl")
	if read -r series ver < <(unstable_latest) && [[ -n $ver ]] &&
		[[ -z $want || $want == "$series" ]]; then
		echo "$series $ver $ver-$fl-$hash"
		return 0
	fi
	d=$(for d in "$NAMEDSHM_CACHE"/kernels/*-"$fl-$hash"; do
		[[ -e $d/.complete ]] || continue
		d=${d##*/}
		[[ -z $want || $(ver_series "$d") == "$want" ]] && echo "$d"
	done | sort -V | tail -n1)
	if [[ -n $d ]]; then
		ver=${d%-"$fl-$hash"}
		log "using the cached build $d"
		echo "$(ver_series "$ver") $ver $d"
		return 0
	fi
	if [[ -n $ver ]]; then
		log "kernel '$k': Debian unstable has $series ($ver), and no build of ${want:-it} is cached"
	fi
	return 1
}
