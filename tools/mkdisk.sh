#!/usr/bin/env bash
# mkdisk.sh: makes a FAT32 disk image for Tally's snapshots (64 MiB unless a size in MiB is given).
# usage: mkdisk.sh IMAGE [SIZE_MIB]
set -euo pipefail
img=${1:?usage: mkdisk.sh IMAGE [SIZE_MIB]}
mib=${2:-64}
rm -f "$img"
# 512-byte clusters keep a 64 MiB volume above FAT32's minimum cluster count.
mkfs.fat -F 32 -s 1 -n TALLY -C "$img" $((mib * 1024)) >/dev/null
echo "mkdisk: $img: ${mib} MiB FAT32 (mtools: mdir -i $img ::, mcopy -i $img FILE ::)"
