#!/usr/bin/env bash
# fetch-lwip.sh: provides an lwIP 2.1.x source tree for the kernel build (never committed to Tally).
# usage: fetch-lwip.sh [DEST]   (DEST defaults to build/lwip)
#   With LWIP_DIR set: only checks that $LWIP_DIR is an lwIP 2.1.x tree (any distribution).
#   Otherwise: unpacks Debian's pristine lwip_2.1.3+dfsg1.orig.tar.xz into DEST (Debian's patches
#   are ignored), fetched with `apt-get source --download-only lwip`. When the system's apt has no
#   deb-src line, apt runs with a source list and index of its own under DEST.download/apt (Debian
#   bookworm main): the system's apt setup is never changed, and no root is needed.
set -euo pipefail

check_tree() {
	local d=$1
	if [ ! -f "$d/src/core/tcp.c" ] || [ ! -f "$d/src/include/lwip/init.h" ]; then
		echo "fetch-lwip: $d is not an lwIP source tree (no src/core/tcp.c)" >&2
		return 1
	fi
	if ! grep -Eq '#define LWIP_VERSION_MAJOR +2' "$d/src/include/lwip/init.h" ||
	   ! grep -Eq '#define LWIP_VERSION_MINOR +1' "$d/src/include/lwip/init.h"; then
		echo "fetch-lwip: $d is not lwIP 2.1.x (see src/include/lwip/init.h)" >&2
		return 1
	fi
}

if [ -n "${LWIP_DIR:-}" ]; then
	check_tree "$LWIP_DIR"
	exit 0
fi

dest=${1:-build/lwip}
if [ -f "$dest/.tally-unpacked" ]; then
	check_tree "$dest"
	exit 0
fi

has_deb_src() {
	grep -Eqs '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

dl=$dest.download
mkdir -p "$dl"
tarball() { ls "$dl"/lwip_2.1.*.orig.tar.xz 2>/dev/null | head -n 1; }

# apt-get with a deb-src list, index and cache of its own under $dl/apt (the system's stay as they are).
private_apt() {
	local a=$dl/apt key=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -f "$key" ] || { echo "fetch-lwip: no $key (package debian-archive-keyring): set LWIP_DIR= instead" >&2; exit 1; }
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	echo "deb-src [signed-by=$key] http://deb.debian.org/debian bookworm main" >"$a/sources.list"
	local opts=(-o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache" -qq)
	[ "$(id -u)" -eq 0 ] && opts+=(-o APT::Sandbox::User=root)
	apt-get "${opts[@]}" "$@"
}

if [ -z "$(tarball)" ]; then
	command -v apt-get >/dev/null || { echo "fetch-lwip: no apt-get: set LWIP_DIR= to an lwIP 2.1.x tree" >&2; exit 1; }
	if has_deb_src && (cd "$dl" && apt-get source --download-only -qq lwip >/dev/null 2>&1); then
		echo "fetch-lwip: apt-get source --download-only lwip"
	else
		echo "fetch-lwip: apt-get source --download-only lwip (Debian bookworm's deb-src, in $dl/apt)"
		dl=$(realpath "$dl")
		private_apt update
		(cd "$dl" && private_apt source --download-only lwip >/dev/null)
		rm -rf "$dl/apt" # its index (20 MB) served its purpose
	fi
fi
t=$(tarball)
[ -n "$t" ] || { echo "fetch-lwip: apt-get did not deliver lwip_2.1.*.orig.tar.xz" >&2; exit 1; }

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xJf "$t" -C "$dest.tmp" --strip-components=1
check_tree "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "$(basename "$t")" >"$dest/.tally-unpacked"
echo "fetch-lwip: unpacked $(basename "$t") into $dest"
