#!/usr/bin/env bash
# svm_guests.sh: vmx_guests.sh's guests and exact expectations under AMD SVM in QEMU TCG (-cpu max):
# the negative guests, the test guest in the three CPUID layouts, several guests at once.
PLATFORM=svm
. tests/boot/vmx_guests.sh
