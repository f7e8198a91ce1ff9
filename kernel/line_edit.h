/* line_edit.h: the shell's line editor: Ctrl-C/U/W, backspace, history on the arrow keys, redraw. */
#ifndef KERNEL_LINE_EDIT_H
#define KERNEL_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_EDIT_MAX 160	/* bytes in a line, the terminating NUL included */
#define LINE_EDIT_HISTORY 16

struct line_edit {
	char line[LINE_EDIT_MAX];
	size_t len;
	bool too_long;		/* bytes were dropped: the line is refused, never run cut short */
	int esc;		/* 0; 1 after ESC; 2 after ESC [ (a VT100 cursor key follows) */
	char history[LINE_EDIT_HISTORY][LINE_EDIT_MAX];
	unsigned nhistory;	/* lines ever entered; the last LINE_EDIT_HISTORY are kept */
	unsigned back;		/* how far up the history the line shown is (0: the line being typed) */
	char typed[LINE_EDIT_MAX];	/* the line being typed, kept while browsing the history */
};

enum line_event {
	LINE_NONE,	/* the key was taken (or ignored) */
	LINE_ENTER,	/* a line is complete: line[] holds it, NUL-terminated */
	LINE_CANCEL,	/* Ctrl-C: the line was dropped */
};

/* Feeds one input byte; echoes and edits through the console (the caller shows the prompt). */
enum line_event line_edit_key(struct line_edit *e, int c);
/* Shows the prompt and the line being typed again (after other output broke into it). */
void line_edit_redraw(const struct line_edit *e, const char *prompt);

#endif
