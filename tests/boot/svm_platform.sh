#!/usr/bin/env bash
# svm_platform.sh: vmx_platform.sh's guests and exact expectations under AMD SVM in QEMU TCG (-cpu max).
PLATFORM=svm
. tests/boot/vmx_platform.sh
