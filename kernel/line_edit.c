/* line_edit.c: the shell's line editor over the serial console: what a user expects of a small
 * shell's input line (ECMA-48 / VT100 keys: ESC [ A and ESC [ B are the up and down arrows). */
#include <string.h>

#include "kernel/console.h"
#include "kernel/line_edit.h"

#define KEY_CTRL_C 0x03
#define KEY_CTRL_U 0x15
#define KEY_CTRL_W 0x17
#define KEY_BS 0x08
#define KEY_DEL 0x7f
#define KEY_ESC 0x1b

static void erase(struct line_edit *e, size_t n)
{
	for (; n && e->len; n--, e->len--)
		console_write("\b \b", 3);
}

static void replace_line(struct line_edit *e, const char *text)
{
	erase(e, e->len);
	e->len = strlen(text);
	memcpy(e->line, text, e->len);
	console_write(e->line, e->len);
}

/* Up (older) or down (newer) through the history. */
static void browse(struct line_edit *e, int dir)
{
	unsigned kept = e->nhistory < LINE_EDIT_HISTORY ? e->nhistory : LINE_EDIT_HISTORY;
	if ((dir > 0 && e->back == kept) || (dir < 0 && e->back == 0))
		return;
	if (e->back == 0) {
		memcpy(e->typed, e->line, e->len);
		e->typed[e->len] = 0;
	}
	e->back += (unsigned)dir;
	replace_line(e, e->back ? e->history[(e->nhistory - e->back) % LINE_EDIT_HISTORY] : e->typed);
}

static void remember(struct line_edit *e)
{
	const char *last = e->nhistory ? e->history[(e->nhistory - 1) % LINE_EDIT_HISTORY] : "";
	if (e->len && !e->too_long && strcmp(last, e->line))
		memcpy(e->history[e->nhistory++ % LINE_EDIT_HISTORY], e->line, e->len + 1);
}

/* The byte after ESC or ESC [: cursor keys browse the history, the rest is dropped. */
static void escape(struct line_edit *e, int c)
{
	if (e->esc == 1) {
		e->esc = c == '[' ? 2 : 0;
		return;
	}
	e->esc = 0;
	if (c == 'A')
		browse(e, 1);
	else if (c == 'B')
		browse(e, -1);
}

static void erase_word(struct line_edit *e)
{
	size_t n = 0;
	while (n < e->len && e->line[e->len - 1 - n] == ' ')
		n++;
	while (n < e->len && e->line[e->len - 1 - n] != ' ')
		n++;
	erase(e, n);
}

enum line_event line_edit_key(struct line_edit *e, int c)
{
	if (e->esc) {
		escape(e, c);
		return LINE_NONE;
	}
	if (c == '\r' || c == '\n') {
		console_write("\n", 1);
		e->line[e->len] = 0;
		remember(e);
		e->len = 0;
		e->back = 0;
		return LINE_ENTER;
	}
	if (c == KEY_CTRL_C) {
		console_write("^C\n", 3);
		e->len = 0;
		e->back = 0;
		e->too_long = false;
		return LINE_CANCEL;
	}
	if (c == KEY_ESC)
		e->esc = 1;
	else if (c == KEY_BS || c == KEY_DEL)
		erase(e, 1);
	else if (c == KEY_CTRL_U)
		erase(e, e->len);
	else if (c == KEY_CTRL_W)
		erase_word(e);
	else if (c >= 0x20 && c < 0x7f && e->len + 1 < LINE_EDIT_MAX) {
		e->line[e->len++] = (char)c;
		console_putc((char)c);
	} else if (c >= 0x20 && c < 0x7f) {
		e->too_long = true;
	}
	return LINE_NONE;
}

void line_edit_redraw(const struct line_edit *e, const char *prompt)
{
	console_begin_line();
	console_write(prompt, strlen(prompt));
	console_write(e->line, e->len);
}
