# dev.mk: the screen console's font. Debian's console-setup-linux ships PC Screen Fonts; one is
# unpacked at build time and built into the kernel (kernel/dev/font_data.asm). FONT=FILE.psf[.gz] picks
# another (PSF1 or PSF2; 8x16 also replaces the VGA's own font in text mode).
FONT ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz
FONT_PSF := $(BUILD)/font.psf

$(FONT_PSF): $(FONT) kernel/dev/dev.mk
	@mkdir -p $(BUILD)
	@echo "  FONT    $<"
	@case "$<" in *.gz) gzip -dc "$<" >$@.tmp ;; *) cp "$<" $@.tmp ;; esac
	@magic=$$(od -An -tx1 -N4 $@.tmp | tr -d ' '); case "$$magic" in 3604*|72b54a86) ;; \
		*) echo "dev.mk: $< is not a PSF font (magic $$magic)" >&2; rm -f $@.tmp; exit 1 ;; esac
	@mv $@.tmp $@

$(FONT):
	@echo "dev.mk: no console font at $@: install console-setup-linux (make deps), or pass FONT=FILE" >&2; exit 1

$(BUILD)/k/kernel/dev/font_data.o: $(FONT_PSF)
$(BUILD)/k/kernel/dev/font_data.o: NASMFLAGS += -DFONT_PSF='"$(FONT_PSF)"'
