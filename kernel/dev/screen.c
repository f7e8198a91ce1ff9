/* screen.c: the screen console. Output goes into a grid of character cells in RAM; a flush draws
 * the cells that differ from what is shown, in VGA text memory or as glyphs of the built-in PSF font
 * on a linear framebuffer (never reading a framebuffer back: slow on real hardware). Flushes come
 * from the loop at most every SCREEN_FLUSH_CYCLES and from console_flush, so a long burst of output
 * costs a few redraws, not one per scrolled line. */
#include <stdint.h>
#include <string.h>

#include "kernel/arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/dev/font.h"
#include "kernel/dev/screen.h"
#include "kernel/mm/mm.h"

/* The font, built in from Debian's console-setup at build time (kernel/dev/font_data.asm). */
extern const uint8_t screen_font[], screen_font_end[];

/* IBM VGA: text attribute = background << 4 | foreground, in the 16-colour palette. */
#define ATTR_TEXT 0x07   /* light grey on black */
#define ATTR_STATUS 0x70 /* black on light grey */
#define CELL(ch, attr) ((uint16_t)((uint8_t)(ch) | (attr) << 8))
#define CELL_BLANK CELL(' ', ATTR_TEXT)
#define TAB_WIDTH 8
/* TSC cycles between two redraws from the loop (~0.25 s at 2 GHz; ~1.3 s under Bochs, whose TSC runs
 * at its instruction rate and whose emulated VGA is slow to write). */
#define SCREEN_FLUSH_CYCLES (1ull << 28)

/* IBM VGA registers (FreeVGA's register reference): index port, data port = index port + 1. */
#define VGA_SEQ_INDEX 0x3c4
#define VGA_SEQ_RESET 0x00
#define VGA_SEQ_RESET_SYNC 0x01     /* synchronous reset: memory kept, sequencer held */
#define VGA_SEQ_RESET_RUN 0x03
#define VGA_SEQ_MAP_MASK 0x02       /* which planes a write reaches */
#define VGA_SEQ_CHAR_MAP 0x03       /* which 8 KiB of plane 2 holds the font */
#define VGA_SEQ_MEMORY_MODE 0x04
#define VGA_SEQ_MEM_SEQUENTIAL 0x07 /* extended memory, odd/even off: plane 2 as plain bytes */
#define VGA_SEQ_MEM_TEXT 0x03       /* extended memory, odd/even on: text mode */
#define VGA_GC_INDEX 0x3ce
#define VGA_GC_READ_MAP 0x04
#define VGA_GC_MODE 0x05
#define VGA_GC_MODE_ODD_EVEN 0x10
#define VGA_GC_MISC 0x06
#define VGA_GC_MISC_A0000_128K 0x00 /* graphics window at 0xA0000 (font loading) */
#define VGA_GC_MISC_B8000_TEXT 0x0e /* text window at 0xB8000, 32 KiB, odd/even chained */
#define VGA_MISC_READ 0x3cc
#define VGA_MISC_COLOR 0x01 /* CRTC at 0x3d4 (else 0x3b4) */
#define VGA_CRTC_CURSOR_START 0x0a
#define VGA_CRTC_CURSOR_END 0x0b
#define VGA_CRTC_CURSOR_HIGH 0x0e
#define VGA_CRTC_CURSOR_LOW 0x0f
#define VGA_FONT_PLANE 0xa0000ull /* plane 2 while it is mapped for font loading */
#define VGA_FONT_SLOT 32          /* bytes a character in plane 2 */
#define VGA_TEXT_CHAR_HEIGHT 16   /* mode 3: 80x25 of 9x16 */

enum screen_mode { SCREEN_NONE, SCREEN_VGA_TEXT, SCREEN_FB };

static struct {
	enum screen_mode mode;
	const char *why; /* SCREEN_NONE: the reason */
	uint32_t cols, rows; /* rows includes the status line */
	uint16_t *cells; /* what the screen should show */
	uint16_t *shown; /* what it shows */
	uint64_t flushed_tsc;
	uint32_t row, col;
	int esc; /* 0; 1 after ESC; 2 inside ESC [ ... */
	uint32_t cursor_row, cursor_col; /* where the cursor was last shown */
	bool cursor_shown;
	bool vga_font; /* the PSF font was loaded into the VGA */
	/* VGA text */
	volatile uint16_t *vga;
	uint16_t crtc;
	/* framebuffer */
	uint8_t *fb;
	uint32_t pitch, bytes_pp;
	uint32_t palette[16];
	struct font font;
} scr = { .why = "not started" };

static const struct boot_framebuffer *fb_info;

/* ---- VGA text mode ---- */

static void vga_write(uint16_t index_port, uint8_t index, uint8_t value)
{
	outb(index_port, index);
	outb(index_port + 1, value);
}

/* Plane 2 holds the character shapes: map it at 0xA0000, write 256 glyphs, map text back (the
 * sequence Linux's vgacon and setfont use). */
static void vga_load_font(void)
{
	if (scr.font.width != 8 || scr.font.height != VGA_TEXT_CHAR_HEIGHT)
		return; /* the VGA's own font stays */
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_RESET, VGA_SEQ_RESET_SYNC);
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_MAP_MASK, 1 << 2);
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_MEMORY_MODE, VGA_SEQ_MEM_SEQUENTIAL);
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_RESET, VGA_SEQ_RESET_RUN);
	vga_write(VGA_GC_INDEX, VGA_GC_READ_MAP, 2);
	vga_write(VGA_GC_INDEX, VGA_GC_MODE, 0);
	vga_write(VGA_GC_INDEX, VGA_GC_MISC, VGA_GC_MISC_A0000_128K);
	volatile uint8_t *plane = (volatile uint8_t *)(uintptr_t)VGA_FONT_PLANE;
	for (uint32_t c = 0; c < FONT_CODES; c++) {
		const uint8_t *g = font_glyph(&scr.font, (uint8_t)c);
		for (uint32_t y = 0; y < VGA_FONT_SLOT; y++)
			plane[c * VGA_FONT_SLOT + y] = y < scr.font.height ? g[y] : 0;
	}
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_RESET, VGA_SEQ_RESET_SYNC);
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_MAP_MASK, 1 << 0 | 1 << 1); /* characters and attributes */
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_MEMORY_MODE, VGA_SEQ_MEM_TEXT);
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_CHAR_MAP, 0);
	vga_write(VGA_SEQ_INDEX, VGA_SEQ_RESET, VGA_SEQ_RESET_RUN);
	vga_write(VGA_GC_INDEX, VGA_GC_READ_MAP, 0);
	vga_write(VGA_GC_INDEX, VGA_GC_MODE, VGA_GC_MODE_ODD_EVEN);
	vga_write(VGA_GC_INDEX, VGA_GC_MISC, VGA_GC_MISC_B8000_TEXT);
	scr.vga_font = true;
}

/* A text buffer that keeps what is written: machines (and QEMU's -vga none) without a VGA have none. */
static bool vga_answers(volatile uint16_t *p)
{
	uint16_t saved = p[0];
	p[0] = 0x1f5a;
	bool ok = p[0] == 0x1f5a;
	p[0] = 0xe1a5;
	ok = ok && p[0] == 0xe1a5;
	p[0] = saved;
	return ok;
}

static bool vga_init(const struct boot_framebuffer *fb)
{
	if (fb->addr != 0xb8000 || fb->width < 20 || fb->height < 4 || fb->width > 132 || fb->height > 60) {
		scr.why = "unexpected VGA text geometry";
		return false;
	}
	scr.vga = (volatile uint16_t *)(uintptr_t)fb->addr;
	if (!vga_answers(scr.vga)) {
		scr.why = "nothing answers at the VGA text buffer (no VGA)";
		return false;
	}
	scr.crtc = inb(VGA_MISC_READ) & VGA_MISC_COLOR ? 0x3d4 : 0x3b4;
	scr.cols = fb->width;
	scr.rows = fb->height;
	vga_load_font();
	return true;
}

static void vga_cursor(uint32_t row, uint32_t col)
{
	uint16_t pos = (uint16_t)(row * scr.cols + col);
	vga_write(scr.crtc, VGA_CRTC_CURSOR_HIGH, pos >> 8);
	vga_write(scr.crtc, VGA_CRTC_CURSOR_LOW, pos & 0xff);
}

/* ---- linear framebuffer ---- */

/* The VGA's 16 colours as 8-bit R, G, B. */
static const uint8_t vga_rgb[16][3] = {
	{ 0, 0, 0 }, { 0, 0, 170 }, { 0, 170, 0 }, { 0, 170, 170 }, { 170, 0, 0 }, { 170, 0, 170 },
	{ 170, 85, 0 }, { 170, 170, 170 }, { 85, 85, 85 }, { 85, 85, 255 }, { 85, 255, 85 },
	{ 85, 255, 255 }, { 255, 85, 85 }, { 255, 85, 255 }, { 255, 255, 85 }, { 255, 255, 255 },
};

static uint32_t fb_component(uint8_t value, uint8_t pos, uint8_t size)
{
	return size ? (uint32_t)(value >> (8 - (size > 8 ? 8 : size))) << pos : 0;
}

static bool fb_init(const struct boot_framebuffer *fb, const char *font_error)
{
	if (font_error) {
		scr.why = font_error;
		return false;
	}
	scr.bytes_pp = (fb->bpp + 7) / 8;
	if (fb->bpp < 15 || fb->bpp > 32 || fb->pitch < (uint64_t)fb->width * scr.bytes_pp) {
		scr.why = "unsupported pixel format";
		return false;
	}
	scr.cols = fb->width / scr.font.width;
	scr.rows = fb->height / scr.font.height;
	if (scr.cols < 20 || scr.rows < 4) {
		scr.why = "framebuffer too small for the font";
		return false;
	}
	scr.fb = mmio_map(fb->addr, (uint64_t)fb->pitch * fb->height);
	if (!scr.fb) {
		scr.why = "cannot map the framebuffer";
		return false;
	}
	scr.pitch = fb->pitch;
	for (int i = 0; i < 16; i++)
		scr.palette[i] = fb_component(vga_rgb[i][0], fb->red_pos, fb->red_size) |
				 fb_component(vga_rgb[i][1], fb->green_pos, fb->green_size) |
				 fb_component(vga_rgb[i][2], fb->blue_pos, fb->blue_size);
	return true;
}

static void fb_pixel(uint8_t *p, uint32_t v)
{
	switch (scr.bytes_pp) {
	case 4: *(volatile uint32_t *)p = v; break;
	case 3: p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16); break;
	default: *(volatile uint16_t *)p = (uint16_t)v; break;
	}
}

/* The cell's glyph; underline marks the cursor (its last two pixel rows in the foreground colour). */
static void fb_draw(uint32_t row, uint32_t col, uint16_t cell, bool underline)
{
	const struct font *f = &scr.font;
	const uint8_t *g = font_glyph(f, (uint8_t)cell);
	uint32_t fg = scr.palette[(cell >> 8) & 15], bg = scr.palette[(cell >> 12) & 15];
	uint8_t *line = scr.fb + (uint64_t)row * f->height * scr.pitch + (uint64_t)col * f->width * scr.bytes_pp;
	for (uint32_t y = 0; y < f->height; y++, line += scr.pitch, g += f->row_bytes) {
		bool solid = underline && y + 2 >= f->height;
		for (uint32_t x = 0; x < f->width; x++)
			fb_pixel(line + x * scr.bytes_pp, solid || (g[x >> 3] & (0x80 >> (x & 7))) ? fg : bg);
	}
}

/* ---- cells ---- */

static void draw(uint32_t row, uint32_t col)
{
	uint16_t cell = scr.cells[row * scr.cols + col];
	if (scr.mode == SCREEN_VGA_TEXT)
		scr.vga[row * scr.cols + col] = cell;
	else
		fb_draw(row, col, cell, false);
}

static void set_cell(uint32_t row, uint32_t col, uint16_t cell)
{
	scr.cells[row * scr.cols + col] = cell;
}

/* Draws the cells that differ from what is shown. */
static void flush(void)
{
	for (uint32_t i = 0; i < scr.cols * scr.rows; i++) {
		if (scr.cells[i] == scr.shown[i])
			continue;
		scr.shown[i] = scr.cells[i];
		uint32_t row = i / scr.cols, col = i % scr.cols;
		draw(row, col);
		if (scr.cursor_shown && row == scr.cursor_row && col == scr.cursor_col)
			scr.cursor_shown = false; /* drawn over: drawn again by the next sync */
	}
	scr.flushed_tsc = rdtsc();
}

/* Rows above the status line move up one. */
static void scroll(void)
{
	uint32_t text_rows = scr.rows - 1;
	memmove(scr.cells, scr.cells + scr.cols, (size_t)(text_rows - 1) * scr.cols * sizeof(uint16_t));
	for (uint32_t c = 0; c < scr.cols; c++)
		set_cell(text_rows - 1, c, CELL_BLANK);
}

static void newline(void)
{
	scr.col = 0;
	if (scr.row + 2 < scr.rows)
		scr.row++;
	else
		scroll();
}

static void put_printable(uint8_t ch)
{
	if (scr.col == scr.cols)
		newline();
	set_cell(scr.row, scr.col++, CELL(ch, ATTR_TEXT));
}

/* True when c belongs to an escape sequence (ESC, ESC x, or ESC [ parameters final). */
static bool in_escape(uint8_t c)
{
	if (c == 0x1b) {
		scr.esc = 1;
		return true;
	}
	if (scr.esc == 1) {
		scr.esc = c == '[' ? 2 : 0;
		return true;
	}
	if (scr.esc == 2) {
		if (c >= 0x40 && c <= 0x7e) /* ECMA-48 5.4: the final byte */
			scr.esc = 0;
		return true;
	}
	return false;
}

void screen_putc(char ch)
{
	uint8_t c = (uint8_t)ch;
	if (scr.mode == SCREEN_NONE || in_escape(c))
		return;
	switch (c) {
	case '\n': newline(); break;
	case '\r': scr.col = 0; break;
	case '\b':
		if (scr.col)
			scr.col--;
		break;
	case '\t':
		do
			put_printable(' ');
		while (scr.col % TAB_WIDTH && scr.col < scr.cols);
		break;
	default:
		if (c >= 0x20 && c != 0x7f)
			put_printable(c);
		break; /* other control bytes draw nothing */
	}
}

void screen_status(const char *text)
{
	if (scr.mode == SCREEN_NONE)
		return;
	size_t n = strlen(text);
	for (uint32_t c = 0; c < scr.cols; c++)
		set_cell(scr.rows - 1, c, CELL(c < n ? text[c] : ' ', ATTR_STATUS));
}

void screen_flush(void)
{
	if (scr.mode != SCREEN_NONE)
		flush();
}

void screen_sync_cursor(void)
{
	if (scr.mode == SCREEN_NONE || rdtsc() - scr.flushed_tsc < SCREEN_FLUSH_CYCLES)
		return;
	flush();
	uint32_t row = scr.row, col = scr.col < scr.cols ? scr.col : scr.cols - 1;
	if (scr.cursor_shown && row == scr.cursor_row && col == scr.cursor_col)
		return;
	if (scr.mode == SCREEN_VGA_TEXT) {
		vga_cursor(row, col);
	} else {
		if (scr.cursor_shown)
			draw(scr.cursor_row, scr.cursor_col);
		fb_draw(row, col, scr.cells[row * scr.cols + col], true);
	}
	scr.cursor_row = row, scr.cursor_col = col, scr.cursor_shown = true;
}

bool screen_init(const struct boot_framebuffer *fb)
{
	fb_info = fb;
	const char *font_error = NULL;
	if (font_load(&scr.font, screen_font, (size_t)(screen_font_end - screen_font), &font_error) < 0)
		scr.font.width = 0; /* VGA text keeps the VGA's own font */
	bool ok;
	if (fb->kind == BOOT_FB_EGA_TEXT) {
		ok = vga_init(fb);
	} else if (fb->kind == BOOT_FB_RGB) {
		ok = fb_init(fb, font_error);
	} else {
		scr.why = fb->kind == BOOT_FB_NONE ? "the boot loader gave no framebuffer"
						  : "indexed-colour framebuffers are not supported";
		ok = false;
	}
	if (ok) {
		scr.cells = kmalloc((size_t)scr.cols * scr.rows * sizeof(uint16_t));
		scr.shown = kmalloc((size_t)scr.cols * scr.rows * sizeof(uint16_t));
		if (!scr.cells || !scr.shown) {
			kfree(scr.cells);
			kfree(scr.shown);
			scr.why = "out of memory for the cell grid";
			ok = false;
		}
	}
	if (!ok)
		return false;
	scr.mode = fb->kind == BOOT_FB_EGA_TEXT ? SCREEN_VGA_TEXT : SCREEN_FB;
	for (uint32_t i = 0; i < scr.cols * scr.rows; i++) {
		scr.cells[i] = CELL_BLANK;
		scr.shown[i] = (uint16_t)~CELL_BLANK; /* the first flush clears the screen */
	}
	flush();
	if (scr.mode == SCREEN_VGA_TEXT) { /* an underline cursor on the cell's last two rows */
		vga_write(scr.crtc, VGA_CRTC_CURSOR_START, VGA_TEXT_CHAR_HEIGHT - 2);
		vga_write(scr.crtc, VGA_CRTC_CURSOR_END, VGA_TEXT_CHAR_HEIGHT - 1);
	}
	return true;
}

void screen_disable(void)
{
	scr.why = NULL;
}

void screen_describe(void)
{
	const struct boot_framebuffer *fb = fb_info;
	switch (scr.mode) {
	case SCREEN_VGA_TEXT:
		kprintf("Screen: VGA text %ux%u, %s\n", scr.cols, scr.rows,
			scr.vga_font ? "built-in 8x16 font loaded" : "the VGA's own font");
		break;
	case SCREEN_FB:
		kprintf("Screen: framebuffer %ux%u, %u bits a pixel at 0x%llx; %ux%u characters of %ux%u\n",
			fb->width, fb->height, fb->bpp, (unsigned long long)fb->addr, scr.cols, scr.rows,
			scr.font.width, scr.font.height);
		break;
	case SCREEN_NONE:
		if (scr.why)
			kprintf("Screen: none: %s\n", scr.why);
		else
			kprintf("Screen: off (screen=off)\n");
		break;
	}
}
