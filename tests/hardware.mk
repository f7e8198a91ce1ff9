# hardware.mk: the real-hardware path: the hybrid image under BIOS and UEFI, the screen console
# and the PS/2 keyboard; the font reader and the scan code decoder hosted.
BOOT_TESTS += tests/boot/hybrid_qemu.sh tests/boot/screen_qemu.sh
HARDWARE_UNIT := build/host/test_keymap build/host/test_font
UNIT_TESTS += $(HARDWARE_UNIT)

build/host/test_keymap: build/host/tests/unit/test_keymap.o build/host/kernel/dev/keymap.o
build/host/test_font: build/host/tests/unit/test_font.o build/host/kernel/dev/font.o
$(HARDWARE_UNIT):
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^
build/host/test_font: | $(FONT_PSF)
