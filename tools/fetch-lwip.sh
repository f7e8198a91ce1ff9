#!/usr/bin/env bash
# fetch-lwip.sh: provides an lwIP 2.1.x source tree for the kernel build (never committed to Tally).
# usage: fetch-lwip.sh [DEST]   (DEST defaults to build/lwip)
#   With LWIP_DIR set: only checks that $LWIP_DIR is an lwIP 2.1.x tree (any distribution).
#   Otherwise: unpacks Debian's pristine lwip_2.1.3+dfsg1.orig.tar.xz into DEST (Debian's patches
#   are ignored), fetched with `apt-get source --download-only lwip`. When apt has no deb-src line,
#   one for bookworm main is added first (/etc/apt/sources.list.d/tally-deb-src.list, via sudo).
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

sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "fetch-lwip: not root and no sudo: add a deb-src line by hand, or set LWIP_DIR=" >&2; exit 1; }
	sudo=sudo
fi

has_deb_src() {
	grep -Eqs '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# apt refuses two entries for one archive that differ in Signed-By: try the keyring that Debian's
# own deb822 sources name, then none.
add_deb_src() {
	local list=/etc/apt/sources.list.d/tally-deb-src.list key=/usr/share/keyrings/debian-archive-keyring.gpg
	local opts
	for opts in "[signed-by=$key] " ""; do
		[ -n "$opts" ] && [ ! -f "$key" ] && continue
		echo "deb-src ${opts}http://deb.debian.org/debian bookworm main" | $sudo tee "$list" >/dev/null
		apt-cache policy >/dev/null 2>&1 && return 0
	done
	$sudo rm -f "$list"
	echo "fetch-lwip: could not add a deb-src line apt accepts; add one by hand, or set LWIP_DIR=" >&2
	exit 1
}

dl=$dest.download
mkdir -p "$dl"
tarball() { ls "$dl"/lwip_2.1.*.orig.tar.xz 2>/dev/null | head -n 1; }

if [ -z "$(tarball)" ]; then
	command -v apt-get >/dev/null || { echo "fetch-lwip: no apt-get: set LWIP_DIR= to an lwIP 2.1.x tree" >&2; exit 1; }
	if ! has_deb_src; then
		echo "fetch-lwip: apt has no deb-src line: adding one for Debian bookworm main"
		add_deb_src
		$sudo apt-get update -qq
	fi
	echo "fetch-lwip: apt-get source --download-only lwip"
	if ! (cd "$dl" && apt-get source --download-only -qq lwip >/dev/null); then
		# The source index may be missing even with a deb-src line (apt-get update never ran).
		$sudo apt-get update -qq
		(cd "$dl" && apt-get source --download-only -qq lwip >/dev/null)
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
