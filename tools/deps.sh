#!/usr/bin/env bash
# deps.sh: installs the Debian/Ubuntu packages Tally's build, run and tests need, when missing.
# Only distribution packages are fetched (apt-get), through sudo when not root.
set -euo pipefail

# Package list: one place. Extend here when a new tool is needed.
PACKAGES=(
	make gcc binutils nasm                           # kernel build
	grub-pc-bin grub-common xorriso mtools           # grub-mkrescue ISO
	grub-efi-amd64-bin                               # the same image boots under UEFI (tools/mkiso.sh)
	qemu-system-x86                                  # make run, QEMU boot tests
	ovmf                                             # UEFI firmware for QEMU (make run UEFI=1, hybrid_qemu)
	console-setup-linux                              # the screen console's PSF font (kernel/dev/dev.mk)
	bochs bochsbios vgabios bochs-term               # Bochs boot tests (emulated VT-x)
	gcc-multilib                                     # 32-bit multiboot test guests
	dosfstools                                       # mkfs.fat / fsck.fat for disk images
	python3                                          # run-pair's console (tools/pair-console.py), test helpers
	python3-matplotlib                               # tools/tally-report: exits over time and latency pictures
	xz-utils dpkg-dev                                # lwIP source from Debian (tools/fetch-lwip.sh)
	spim binutils-mipsel-linux-gnu                   # MIPS oracle and encoding checks, bench-mips's ELF files
	qemu-user                                        # bench-mips: qemu-mipsel, the JIT the translator is measured against
	clang libclang-rt-14-dev                         # libFuzzer targets of mips/
	cpio libc6-dev                                   # Linux guest initramfs, static checker (tools/fetch-linux.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing missing packages: ${missing[*]}"
sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}"
