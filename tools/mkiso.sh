#!/usr/bin/env bash
# mkiso.sh: builds a GRUB rescue image holding Tally, its command line and its modules. The image is
# hybrid: it boots from a CD and from a USB stick or disk (dd it there), under BIOS (grub-pc-bin)
# and under UEFI (grub-efi-amd64-bin), the same bytes each way.
# usage: mkiso.sh -o OUT.iso -k tally.elf [-c "kernel command line"] [-g WxHxD] [-m FILE "module command line"]...
# -n FILE "module command line" is -m with GRUB's --nounzip: a gzip'd file is handed over as it is.
# -g WxHxD sets GRUB's gfxpayload: a graphics framebuffer under BIOS too (UEFI always has one).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out= kernel= cmdline= gfx=
modules=() nounzip=()
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-k) kernel=$2; shift 2 ;;
	-c) cmdline=$2; shift 2 ;;
	-g) gfx=$2; shift 2 ;;
	-m) [ $# -ge 3 ] || { echo "mkiso.sh: -m needs FILE and a command line" >&2; exit 2; }
	    modules+=("$2" "$3"); nounzip+=(""); shift 3 ;;
	-n) [ $# -ge 3 ] || { echo "mkiso.sh: -n needs FILE and a command line" >&2; exit 2; }
	    modules+=("$2" "$3"); nounzip+=("--nounzip "); shift 3 ;;
	*) echo "mkiso.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] && [ -n "$kernel" ] || { echo "usage: mkiso.sh -o OUT.iso -k KERNEL [-c CMDLINE] [-g WxHxD] [-m|-n FILE CMDLINE]..." >&2; exit 2; }
# grub-mkrescue puts in every GRUB platform it finds installed: without both, the image would
# quietly boot one way only.
for platform in i386-pc:grub-pc-bin x86_64-efi:grub-efi-amd64-bin; do
	[ -d "/usr/lib/grub/${platform%%:*}" ] ||
		{ echo "mkiso.sh: GRUB for ${platform%%:*} is missing: install the package ${platform#*:} (tools/deps.sh)" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub" "$dir/boot/modules"
cp "$kernel" "$dir/boot/tally.elf"
module_lines=
for ((i = 0; i < ${#modules[@]}; i += 2)); do
	file=${modules[i]}
	[ -f "$file" ] || { echo "mkiso.sh: module '$file' not found" >&2; exit 1; }
	name="$((i / 2))-$(basename "$file")"
	cp "$file" "$dir/boot/modules/$name"
	module_lines+="	module2 ${nounzip[i / 2]}/boot/modules/$name ${modules[i + 1]}"$'\n'
done
version=$(git -C "$here" describe --always --dirty --tags 2>/dev/null || echo unknown)
gfx_line='	if [ "$grub_platform" = pc ]; then set gfxpayload=text; fi'
[ -n "$gfx" ] && gfx_line="	set gfxpayload=$gfx"
awk -v cmd="$cmdline" -v mods="$module_lines" -v ver="$version" -v gfx="$gfx_line" '
	{ gsub(/@CMDLINE@/, cmd); gsub(/@VERSION@/, ver) }
	/@GFXPAYLOAD@/ { print gfx; next }
	/@MODULES@/ { printf "%s", mods; next }
	{ print }' "$here/boot/grub.cfg.in" >"$dir/boot/grub/grub.cfg"
# The log must not live in $dir: xorriso reads the tree while it grows ("MISHAP", exit 32).
log=$(grub-mkrescue -o "$out" "$dir" 2>&1) || { echo "$log" >&2; exit 1; }
