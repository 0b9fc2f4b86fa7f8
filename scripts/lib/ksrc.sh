# SPDX-License-Identifier: GPL-2.0
# The few files of the kernel source this project uses without committing
# them: the kselftest harness (kselftest_harness.h, kselftest.h, in no
# other Debian package) and the style tools (checkpatch.pl and its data,
# .clang-format), extracted once from Debian's linux-source-6.1.  Sourced.

NAMEDSHM_KSRC_FILES="tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h scripts/checkpatch.pl
	scripts/spelling.txt scripts/const_structs.checkpatch .clang-format"

# ksrc_fetch: prints the directory holding them, laid out as in a kernel
# tree.
ksrc_fetch() {
	local pkg=linux-source-6.1 dir deb f members=()
	dir=$NAMEDSHM_CACHE/$pkg
	if [[ ! -e $dir/.complete ]]; then
		cache_init
		mkdir -p "$dir"
		deb=$(papt_fetch bookworm "$pkg" "$NAMEDSHM_CACHE/dl") || exit 1
		for f in $NAMEDSHM_KSRC_FILES; do
			members+=("$pkg/$f")
		done
		log "extracting the kselftest harness and checkpatch from ${deb##*/}"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/$pkg.tar.xz" |
			tar -xJ -C "$dir" --strip-components=1 "${members[@]}" ||
			die "cannot extract from $deb"
		# Tests include "../kselftest_harness.h" as in a kernel tree: an
		# empty include/ below the headers makes that path resolve.
		mkdir -p "$dir/tools/testing/selftests/include"
		touch "$dir/.complete"
		rm -f "$deb"
	fi
	echo "$dir"
}

harness_fetch() {
	local dir
	dir=$(ksrc_fetch) || exit 1
	echo "$dir/tools/testing/selftests"
}
