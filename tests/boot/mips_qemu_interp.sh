#!/usr/bin/env bash
# mips_qemu_interp.sh: mips_qemu.sh with Tally's MIPS VMs interpreted (mips_engine=interp); the plain
# script runs them translated.
TEST_NAME=mips_qemu_interp TALLY_MIPS_ENGINE=interp exec "$(dirname "$0")/mips_qemu.sh"
