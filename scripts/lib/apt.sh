# SPDX-License-Identifier: GPL-2.0
# Host packages, and private apt configurations for the Debian suites and
# architectures the system's apt does not carry.  Sourced.

NAMEDSHM_DEBIAN_MIRROR=${NAMEDSHM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
NAMEDSHM_DEBIAN_SECURITY=${NAMEDSHM_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
# Private package lists are refreshed when older than this many hours.
NAMEDSHM_APT_MAX_AGE=${NAMEDSHM_APT_MAX_AGE:-${NAMEDSHM_UNSTABLE_MAX_AGE:-24}}

pkg_installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
		grep -q '^install ok installed$'
}

# apt_failed LOG WHAT: one line saying why apt failed, from its log.
apt_failed() {
	if grep -qiE 'Could not resolve|Temporary failure|Unable to connect|Network is unreachable|Connection (failed|timed out|refused)|No route to host' "$1"; then
		die "cannot reach the Debian archive (${NAMEDSHM_DEBIAN_MIRROR#*://}): no network? ($2 failed; log: $1)"
	fi
	die "$2 failed (log: $1)"
}

_namedshm_apt_updated=
apt_update_once() {
	[[ -n $_namedshm_apt_updated ]] && return 0
	local l
	l=$(mktemp "${TMPDIR:-/tmp}/namedshm-apt.XXXXXX")
	log "apt-get update"
	apt-get update -q >"$l" 2>&1 || apt_failed "$l" "apt-get update"
	# apt-get update exits 0 when some sources failed: W: lines say so.
	grep -qE '^(W|E): Failed to fetch' "$l" && apt_failed "$l" "apt-get update"
	rm -f "$l"
	_namedshm_apt_updated=1
}

# apt_install PKG...: install the packages that are not installed yet
# (root only: others get one line naming them and the command to run).
apt_install() {
	local missing=() p l
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	if [[ $(id -u) != 0 ]]; then
		die "missing packages: ${missing[*]}; install them with: sudo make deps (or: sudo apt-get install ${missing[*]})"
	fi
	apt_update_once
	log "apt-get install ${missing[*]}"
	l=$(mktemp "${TMPDIR:-/tmp}/namedshm-apt.XXXXXX")
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >"$l" 2>&1 ||
		apt_failed "$l" "apt-get install ${missing[*]}"
	rm -f "$l"
}

# --- Private apt configurations ---
# papt NAME apt-get|apt-cache ARG...: apt on the lists of NAME only, kept
# below $NAMEDSHM_CACHE/apt/NAME, never in the system's sources.  NAME:
#   bookworm  Debian 12 with its updates and security suites, for amd64,
#             arm64 and armhf (kernels, headers, kbuild, busybox-static)
#   bullseye  Debian 11 and its security suite, amd64 (the 5.10 kernel)
#   unstable  Debian unstable, amd64 (linux-source of the newest kernel)
# Works as an ordinary user.
papt_dir() {
	case $1 in
	unstable) echo "${NAMEDSHM_UNSTABLE_APT:-$NAMEDSHM_CACHE/unstable-apt}" ;;
	*) echo "$NAMEDSHM_CACHE/apt/$1" ;;
	esac
}
papt_sources() {
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	case $1 in
	bookworm)
		printf 'deb [signed-by=%s] %s %s main\n' \
			"$key" "$NAMEDSHM_DEBIAN_MIRROR" bookworm \
			"$key" "$NAMEDSHM_DEBIAN_MIRROR" bookworm-updates \
			"$key" "$NAMEDSHM_DEBIAN_SECURITY" bookworm-security
		;;
	bullseye)
		printf 'deb [signed-by=%s] %s %s main\n' \
			"$key" "$NAMEDSHM_DEBIAN_MIRROR" bullseye \
			"$key" "$NAMEDSHM_DEBIAN_SECURITY" bullseye-security
		;;
	unstable)
		printf 'deb [signed-by=%s] %s unstable main\n' \
			"$key" "$NAMEDSHM_DEBIAN_MIRROR"
		;;
	*) die "no private apt configuration '$1'" ;;
	esac
}
papt_arches() {
	case $1 in
	bookworm) echo "amd64 arm64 armhf" ;;
	*) echo amd64 ;;
	esac
}
papt() {
	local name=$1 cmd=$2 d a archopts=()
	shift 2
	d=$(papt_dir "$name")
	for a in $(papt_arches "$name"); do
		archopts+=(-o "APT::Architectures::=$a")
	done
	"$cmd" -o Dir::Etc::sourcelist="$d/sources.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$d/lists" \
		-o Dir::State::status=/dev/null \
		-o Dir::Cache="$d/cache" \
		-o Debug::NoLocking=1 \
		-o APT::Architecture=amd64 "${archopts[@]}" \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User="$(id -un 2>/dev/null || echo root)" "$@"
}

# papt_update NAME [force]: fetch NAME's lists if missing or stale (or
# always, with force).  With stale lists and no network it keeps the old
# ones; with none at all it stops with one line.
papt_update() {
	local name=$1 d stamp l
	d=$(papt_dir "$name")
	stamp=$d/lists/.namedshm-updated
	if [[ -z ${2:-} && -e $stamp &&
		-z $(find "$stamp" -mmin "+$((NAMEDSHM_APT_MAX_AGE * 60))") ]]; then
		return 0
	fi
	[[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] ||
		apt_install debian-archive-keyring
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/dl"
	papt_sources "$name" >"$d/sources.list"
	log "fetching Debian $name's package lists (into $d)"
	l=$d/update.log
	if papt "$name" apt-get update -q >"$l" 2>&1 &&
		! grep -qE '^(W|E): Failed to fetch' "$l"; then
		touch "$stamp"
		return 0
	fi
	if [[ -e $stamp ]]; then
		log "warning: cannot refresh Debian $name's lists; using those of $(date -r "$stamp")"
		return 0
	fi
	apt_failed "$l" "fetching Debian $name's package lists"
}

# papt_depends NAME PKG: the first package PKG depends on (how a
# metapackage names the current ABI).
papt_depends() {
	papt "$1" apt-cache depends "$2" 2>/dev/null |
		sed -n 's/^ *Depends: \([^ <>]*\).*/\1/p' | head -n1
}

# papt_fetch NAME PKG DIR: download PKG (name[:arch][=version]) into DIR
# unless a .deb of it is there already; prints the .deb's path.
papt_fetch() {
	local name=$1 pkg=$2 dir=$3 base deb l
	base=${pkg%%[:=]*}
	mkdir -p "$dir"
	deb=$(compgen -G "$dir/${base}_*.deb" | head -n1 || true)
	if [[ -z $deb ]]; then
		papt_update "$name"
		l=$dir/download.log
		log "fetching $pkg (Debian $name)"
		if ! (cd "$dir" && papt "$name" apt-get download -q "$pkg") >"$l" 2>&1; then
			# Lists older than the archive: refresh once and retry.
			papt_update "$name" force
			(cd "$dir" && papt "$name" apt-get download -q "$pkg") >"$l" 2>&1 ||
				apt_failed "$l" "downloading $pkg from Debian $name"
		fi
		deb=$(compgen -G "$dir/${base}_*.deb" | head -n1 || true)
		[[ -n $deb ]] || die "downloading $pkg left no .deb in $dir"
	fi
	echo "$deb"
}
