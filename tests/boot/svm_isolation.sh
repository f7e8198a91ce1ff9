#!/usr/bin/env bash
# svm_isolation.sh: vmx_isolation.sh's guests and exact expectations under AMD SVM in QEMU TCG (-cpu max).
PLATFORM=svm
. tests/boot/vmx_isolation.sh
