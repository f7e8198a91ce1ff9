; font_data.asm: the screen console's PSF font, unpacked from a Debian console font at build time
; (kernel/dev/dev.mk: FONT=, never committed) and built into the kernel as it is.
section .rodata
global screen_font, screen_font_end
screen_font:
	incbin FONT_PSF
screen_font_end:
