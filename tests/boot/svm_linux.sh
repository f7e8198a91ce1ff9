#!/usr/bin/env bash
# svm_linux.sh: linux_bochs.sh's Linux guest (Debian's cloud kernel to its checker) beside the test guest,
# with the same exact expectations, under AMD SVM in QEMU TCG (-cpu max).
PLATFORM=svm
. tests/boot/linux_bochs.sh
