#!/usr/bin/env bash
# fetch-linux.sh: a Linux guest's material in build/linux/: Debian's cloud kernel and an initramfs.
# usage: fetch-linux.sh [OUT_DIR]   (default build/linux; nothing here is ever committed)
# Makes OUT_DIR/vmlinuz (linux-image-<version>-cloud-amd64) and OUT_DIR/initrd.img (gzip'd cpio
# newc: busybox-static, Debian's cpuid with ld-linux-x86-64.so.2 and libc.so.6, guest/linux/checker
# built static, and /init). Packages come from apt-get download (MACHINES.md); a second run only
# rebuilds the initramfs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/build/linux}
debs=$out/debs
mkdir -p "$debs"
# Boot tests run in parallel and each may call this: one at a time, and every output appears
# whole (written aside, then renamed), so no test ever copies a half-written initramfs.
exec {lock}>"$out/.lock"
flock "$lock"
# Unpacked packages and the initramfs tree live outside build/: the Makefile reads every *.d there.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
stage=$work/initramfs

for tool in apt-get apt-cache dpkg-deb cpio gzip gcc; do
	command -v "$tool" >/dev/null || { echo "fetch-linux: '$tool' is missing (tools/deps.sh installs cpio)" >&2; exit 1; }
done
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || { echo "fetch-linux: libc.a is missing: apt-get install libc6-dev" >&2; exit 1; }

# The meta package only depends on the versioned kernel package, which holds the bzImage.
if ! ls "$debs"/linux-image-*-cloud-amd64_*.deb >/dev/null 2>&1; then
	kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$kpkg" ] || { echo "fetch-linux: apt-cache knows no linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }
	pkgs=("$kpkg" busybox-static cpuid libc6)
	echo "fetch-linux: apt-get download ${pkgs[*]}"
	(cd "$debs" && apt-get download -q "${pkgs[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
fi
for p in linux-image-*-cloud-amd64 busybox-static cpuid libc6; do
	ls "$debs"/${p}_*.deb >/dev/null 2>&1 || { echo "fetch-linux: $p was not downloaded" >&2; exit 1; }
done

mkdir -p "$tree"
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$tree"; done
cp "$(ls "$tree"/boot/vmlinuz-* | head -n1)" "$out/vmlinuz.tmp"
mv -f "$out/vmlinuz.tmp" "$out/vmlinuz"

mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,lib64,lib/x86_64-linux-gnu,usr/bin}
cp "$tree/bin/busybox" "$stage/bin/busybox"
for applet in $("$tree/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$stage/bin/$applet"
done
cp "$tree/usr/bin/cpuid" "$stage/usr/bin/cpuid"
cp -L "$tree/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$stage/lib/x86_64-linux-gnu/"
ln -sf /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$stage/lib64/ld-linux-x86-64.so.2"
cp -L "$tree/lib/x86_64-linux-gnu/libc.so.6" "$stage/lib/x86_64-linux-gnu/"
gcc -static -O2 -Wall -Wextra -Werror -I"$here" -o "$stage/checker" "$here/guest/linux/checker.c"

# /init: the marker the boot tests wait for, the cpuid tool on Tally's total-exits leaf, the
# checker (which ends the guest through port 0xf4). With tally_shell=1 on the kernel command
# line (make run-linux) the checker stays in and a shell follows.
cat >"$stage/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "tally-linux: user space is up"
cpuid -1 -l 0x4fffffff
if [ "${tally_shell:-}" = 1 ]; then
	/checker --stay
	echo "tally-linux: a shell; try: cpuid -1 -l 0x4fffffff"
	exec setsid cttyhack sh
fi
exec /checker
INIT
chmod +x "$stage/init"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$out/initrd.img.tmp"
mv -f "$out/initrd.img.tmp" "$out/initrd.img"
echo "fetch-linux: $out/vmlinuz ($(stat -c %s "$out/vmlinuz") bytes), $out/initrd.img ($(stat -c %s "$out/initrd.img") bytes)"
