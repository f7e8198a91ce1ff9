/* asm.c: the two-pass assembler driver: lines, labels, symbol table, directives, output image. */
#include "asm_insn.h"
#include "fpdec.h"
#include "softfloat.h"

void mips_asm_error(struct asm_ctx *a, int col, const char *fmt, ...)
{
	char msg[MIPS_MSG_MAX];
	struct mips_strbuf sb = { msg, sizeof msg, 0 };
	va_list ap;

	if (a->pass != 2)
		return;
	a->errors++;
	if (a->quiet)
		return;
	mips_sb_printf(&sb, "%s:%d:%d: error: ", a->file, a->line, col);
	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	mips_sb_printf(&sb, "\n");
	a->port->write(a->port->ud, NULL, MIPS_STREAM_DIAG, msg, strlen(msg));
}

int mips_asm_col(struct asm_ctx *a, const char *at)
{
	return (int)(at - a->line_start) + 1;
}

/* ---- symbols: open addressing on FNV-1a of the name ---- */

static size_t sym_slot(const struct asm_ctx *a, const char *name, size_t len)
{
	size_t i = (size_t)mips_fnv1a64(MIPS_FNV_INIT, name, len) & (a->symcap - 1);

	while (a->syms[i].name && (a->syms[i].len != len || memcmp(a->syms[i].name, name, len)))
		i = (i + 1) & (a->symcap - 1);
	return i;
}

static bool sym_grow(struct asm_ctx *a)
{
	size_t ocap = a->symcap, ncap = ocap ? ocap * 2 : 64;
	struct asm_sym *old = a->syms, *nsyms = mips_alloc(a->port, ncap * sizeof *nsyms);

	if (!nsyms)
		return false;
	a->syms = nsyms, a->symcap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].name)
			a->syms[sym_slot(a, old[i].name, old[i].len)] = old[i];
	mips_free(a->port, old, ocap * sizeof *old);
	return true;
}

bool mips_asm_sym_lookup(struct asm_ctx *a, const char *name, size_t len, uint32_t *value)
{
	if (!a->symcap)
		return false;
	struct asm_sym *s = &a->syms[sym_slot(a, name, len)];
	if (!s->name)
		return false;
	*value = s->value;
	return true;
}

/* Pass 1 defines labels; pass 2 only re-anchors them (auto-alignment gives the same values). */
static void define_label_at(struct asm_ctx *a, const char *name, size_t len, uint32_t value)
{
	if (a->pass == 1) {
		if ((a->nsyms + 1) * 2 > a->symcap && !sym_grow(a)) {
			a->oom = true;
			return;
		}
		struct asm_sym *s = &a->syms[sym_slot(a, name, len)];
		if (s->name) {
			a->pass = 2;	/* duplicates are the one error pass 1 reports */
			mips_asm_error(a, mips_asm_col(a, name), "label '%.*s' already defined on line %d", (int)len, name, s->line);
			a->pass = 1;
			return;
		}
		*s = (struct asm_sym){ name, len, value, a->line };
		a->nsyms++;
	}
	if (a->npending < ASM_MAX_PENDING)
		a->pending[a->npending++] = (struct asm_sym){ name, len, value, a->line };
}

static void define_label(struct asm_ctx *a, const char *name, size_t len)
{
	define_label_at(a, name, len, a->seg == SEG_TEXT ? a->text_pc : a->data_pc);
}

/* ---- emission ---- */

bool mips_asm_reserve(struct asm_ctx *a, int col, enum asm_seg seg, uint64_t n)
{
	uint64_t text = a->text_pc - MIPS_TEXT_BASE + 12;	/* the exit stub comes last */
	uint64_t data = a->data_pc - MIPS_DATA_BASE;
	uint64_t total = text + data + a->kdata_size + n;

	if (seg == SEG_TEXT && text + n > ASM_TEXT_MAX) {
		if (!a->over_limit)
			mips_asm_error(a, col, "program text larger than 16 MiB");
	} else if (total > a->mem_limit || (seg == SEG_DATA && data + n > MIPS_DATA_END - MIPS_DATA_BASE)) {
		if (!a->over_limit)
			mips_asm_error(a, col, "program larger than the VM memory limit of %u KiB "
				       "(%llu bytes of text, data and strings)", a->mem_limit >> 10,
				       (unsigned long long)total);
	} else {
		return true;
	}
	a->over_limit = a->pass == 2;	/* one report is enough: the rest is refused quietly */
	a->too_big = true;
	a->p = a->line_end;
	return false;
}

static void align_to(struct asm_ctx *a, uint32_t align)
{
	uint32_t *pc = a->seg == SEG_TEXT ? &a->text_pc : &a->data_pc;
	uint32_t pad = (align - (*pc & (align - 1))) & (align - 1);

	if (!pad)
		return;
	if (a->seg == SEG_DATA && !mips_asm_reserve(a, mips_asm_col(a, a->stmt), SEG_DATA, pad))
		return;
	if (a->seg == SEG_DATA && a->pass == 2 && !a->dry && !mips_bytes_append(a->port, &a->data, NULL, pad))
		a->oom = true;
	*pc += pad;
	for (int i = 0; i < a->npending; i++) {	/* SPIM: a label right before .word names the aligned word */
		struct asm_sym *s = &a->syms[sym_slot(a, a->pending[i].name, a->pending[i].len)];
		if (s->name && s->line == a->pending[i].line)
			s->value = *pc;
	}
}

void mips_asm_emit_word(struct asm_ctx *a, uint32_t w)
{
	if (a->seg != SEG_TEXT) {
		mips_asm_error(a, 1, "instructions belong in .text");
		a->p = a->line_end;
		return;
	}
	if (!mips_asm_reserve(a, mips_asm_col(a, a->stmt), SEG_TEXT, 4))
		return;
	uint32_t line = (uint32_t)a->line;
	if (a->pass == 2 && (!mips_bytes_append(a->port, &a->text, &w, 4) ||
			     !mips_bytes_append(a->port, &a->text_line, &line, 4)))
		a->oom = true;
	a->text_pc += 4;
	a->npending = 0;
}

/* count copies of the size bytes at src (the caller has reserved them). */
static void emit_data_repeat(struct asm_ctx *a, const uint8_t *src, size_t size, size_t count)
{
	size_t total = size * count, at = a->data.len;

	if (!total)
		return;
	if (a->pass == 2 && !a->dry) {
		if (!mips_bytes_append(a->port, &a->data, NULL, total)) {
			a->oom = true;
			return;
		}
		uint8_t *p = a->data.p + at;
		memcpy(p, src, size);
		for (size_t done = size; done < total; done *= 2)	/* doubling copies */
			memcpy(p + done, p, done < total - done ? done : total - done);
	}
	a->data_pc += (uint32_t)total;
	a->npending = 0;
}

static void emit_data(struct asm_ctx *a, const void *src, size_t n)
{
	if (!mips_asm_reserve(a, mips_asm_col(a, a->stmt), SEG_DATA, n))
		return;
	if (a->pass == 2 && !mips_bytes_append(a->port, &a->data, src, n))
		a->oom = true;
	a->data_pc += (uint32_t)n;
	a->npending = 0;
}

/* ---- directives ---- */

/* Moves past the separator of list items (SPIM: a comma or blanks, a trailing comma tolerated); false at the end. */
static bool next_value(struct asm_ctx *a)
{
	if (mips_asm_at_end(a))
		return false;
	if (*a->p == ',')
		a->p++;
	return !mips_asm_at_end(a);
}

/* .word/.half/.byte value lists; "value:count" repeats (MARS). */
static void dir_values(struct asm_ctx *a, unsigned size)
{
	int64_t lo = size == 4 ? -0x80000000ll : -(1ll << (size * 8 - 1));
	int64_t hi = size == 4 ? 0xffffffffll : (1ll << (size * 8)) - 1;

	align_to(a, size);
	do {
		struct asm_expr e;
		int64_t v, count = 1;
		if (!mips_asm_parse_expr(a, &e))
			return;
		int count_col = e.col;
		mips_asm_skip_space(a);
		if (a->p < a->line_end && *a->p == ':') {
			a->p++;
			struct asm_expr c;
			if (!mips_asm_parse_expr(a, &c))
				return;
			if (c.sym || c.add < 0 || c.add > (1 << 24)) {
				mips_asm_error(a, c.col, "repeat count must be a constant in [0, 16777216]");
				return;
			}
			count = c.add;
			count_col = c.col;
		}
		if (!mips_asm_expr_value(a, &e, &v))
			return;
		if (v < lo || v > hi) {
			mips_asm_error(a, e.col, "value %lld does not fit in %u byte(s)", (long long)v, size);
			return;
		}
		uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
		if (a->seg == SEG_TEXT && size != 4) {
			if (count > 0)
				mips_asm_error(a, e.col, "only .word may appear in .text");
		} else if (!mips_asm_reserve(a, count_col, a->seg, (uint64_t)count * size)) {
			return;	/* refused before doing the work */
		} else if (a->seg == SEG_TEXT) {
			while (count-- > 0)
				mips_asm_emit_word(a, mips_get32(b));
		} else {
			emit_data_repeat(a, b, size, (size_t)count);
		}
	} while (next_value(a));
}

/* .float/.double: decimal values rounded to nearest binary64 (fpdec.c); a .float is that double
 * narrowed, as SPIM stores it. */
static void dir_float(struct asm_ctx *a, bool single)
{
	unsigned size = single ? 4 : 8;

	if (a->seg != SEG_DATA) {
		mips_asm_error(a, mips_asm_col(a, a->p), "floating-point values belong in .data");
		a->p = a->line_end;
		return;
	}
	align_to(a, size);
	do {
		uint64_t bits;
		mips_asm_skip_space(a);
		size_t used = mips_fpdec_parse(a->p, (size_t)(a->line_end - a->p), &bits);
		if (!used) {
			mips_asm_error(a, mips_asm_col(a, a->p), "expected a decimal number");
			return;
		}
		a->p += used;
		if (single)
			bits = mips_f64_to_f32(bits);
		uint8_t b[8];
		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)(bits >> (8 * i));
		emit_data(a, b, size);
	} while (next_value(a));
}

static void dir_string(struct asm_ctx *a, bool nul)
{
	if (a->seg != SEG_DATA) {
		mips_asm_error(a, mips_asm_col(a, a->p), "strings belong in .data");
		return;
	}
	do {
		mips_asm_skip_space(a);
		size_t before = a->data.len;
		const char *start = a->p;
		if (!mips_asm_parse_string(a, a->pass == 2 ? &a->data : NULL))
			return;
		size_t n = a->data.len - before;
		if (a->pass == 1) {	/* count the bytes without storing them */
			struct mips_bytes tmp = { 0 };
			a->p = start;
			mips_asm_parse_string(a, &tmp);
			n = tmp.len;
			mips_bytes_free(a->port, &tmp);
		}
		if (!mips_asm_reserve(a, mips_asm_col(a, start), SEG_DATA, n + nul)) {
			a->data.len = before;
			return;
		}
		a->data_pc += (uint32_t)n;
		if (nul)
			emit_data(a, "", 1);
		a->npending = 0;
	} while (!mips_asm_at_end(a) && *a->p == ',' && a->p++);
}

static bool const_arg(struct asm_ctx *a, int64_t lo, int64_t hi, int64_t *v)
{
	struct asm_expr e;

	if (!mips_asm_parse_expr(a, &e))
		return false;
	if (e.sym || e.add < lo || e.add > hi) {
		mips_asm_error(a, e.col, "expected a constant in [%lld, %lld]", (long long)lo, (long long)hi);
		return false;
	}
	*v = e.add;
	return true;
}

/* .extern sym size: size zeroed bytes for sym in SPIM's small data area (below $gp's 64 KiB window). */
static void dir_extern(struct asm_ctx *a)
{
	int64_t v;

	mips_asm_skip_space(a);
	const char *name = a->p;
	size_t n = mips_asm_ident(a);
	if (!n) {
		mips_asm_error(a, mips_asm_col(a, a->p), "expected a label after .extern");
		return;
	}
	a->p += n;
	if (!mips_asm_at_end(a) && *a->p == ',')
		a->p++;
	if (!const_arg(a, 0, MIPS_SDATA_SIZE, &v))
		return;
	if (a->sdata_pc + (uint64_t)v > MIPS_SDATA_SIZE) {
		mips_asm_error(a, mips_asm_col(a, name), ".extern data larger than %u bytes", MIPS_SDATA_SIZE);
		return;
	}
	define_label_at(a, name, n, MIPS_SDATA_BASE + a->sdata_pc);
	a->npending = 0;
	a->sdata_pc += (uint32_t)v;
}

static void directive(struct asm_ctx *a, const char *d, size_t n)
{
	int64_t v;

#define IS(s) (n == sizeof(s) - 1 && !strncmp(d, s, n))
	if (IS(".text")) {
		a->seg = SEG_TEXT;
		a->npending = 0;
	} else if (IS(".data")) {
		a->seg = SEG_DATA;
		a->npending = 0;
	} else if (IS(".extern")) {
		dir_extern(a);
	} else if (IS(".globl") || IS(".global") || IS(".set") || IS(".ent") || IS(".end")) {
		a->p = a->line_end;	/* no effect on a single-file program */
	} else if (IS(".word")) {
		dir_values(a, 4);
	} else if (IS(".half")) {
		dir_values(a, 2);
	} else if (IS(".byte")) {
		dir_values(a, 1);
	} else if (IS(".float") || IS(".double")) {
		dir_float(a, IS(".float"));
	} else if (IS(".ascii")) {
		dir_string(a, false);
	} else if (IS(".asciiz")) {
		dir_string(a, true);
	} else if (IS(".space")) {
		mips_asm_skip_space(a);
		int col = mips_asm_col(a, a->p);
		if (const_arg(a, 0, 1 << 24, &v)) {
			if (a->seg == SEG_TEXT)
				mips_asm_error(a, 1, ".space belongs in .data");
			else if (mips_asm_reserve(a, col, SEG_DATA, (uint64_t)v))
				emit_data(a, NULL, (size_t)v);
		}
	} else if (IS(".align")) {
		if (const_arg(a, 0, 12, &v))
			align_to(a, 1u << v);
	} else {
		mips_asm_error(a, mips_asm_col(a, d), "unknown or unsupported directive '%.*s'", (int)n, d);
		a->p = a->line_end;
	}
#undef IS
}

/* One source line: labels, then a directive or an instruction, then nothing but a comment. */
static void asm_line(struct asm_ctx *a)
{
	size_t n;
	int errors = a->errors;

	for (;;) {
		mips_asm_skip_space(a);
		if (!(n = mips_asm_ident(a)))
			break;
		const char *id = a->p;
		a->p += n;
		const char *after = a->p;
		mips_asm_skip_space(a);	/* SPIM: "label :" */
		if (a->p < a->line_end && *a->p == ':') {
			a->p++;
			define_label(a, id, n);
			continue;
		}
		a->p = after;
		a->stmt = id;
		if (id[0] == '.')
			directive(a, id, n);
		else
			mips_asm_instruction(a, id, n);
		break;
	}
	if (a->errors == errors && !mips_asm_at_end(a)) {	/* one error per statement is enough */
		unsigned char c = (unsigned char)*a->p;
		if (c >= 0x20 && c < 0x7f)
			mips_asm_error(a, mips_asm_col(a, a->p), "unexpected '%c'", c);
		else
			mips_asm_error(a, mips_asm_col(a, a->p), "unexpected byte 0x%02x", c);
	}
}

static void asm_pass(struct asm_ctx *a, int pass)
{
	a->pass = pass;
	a->seg = SEG_TEXT;
	a->text_pc = MIPS_TEXT_BASE;
	a->data_pc = MIPS_DATA_BASE;
	a->sdata_pc = 0;
	a->kdata_size = 0;
	a->line = 0;
	for (const char *p = a->src; p < a->end && !a->oom;) {
		const char *e = p;
		while (e < a->end && *e != '\n')
			e++;
		a->line++;
		a->line_start = a->p = p;
		a->line_end = e;
		asm_line(a);
		p = e + 1;
	}
}

/* What a pass built: text, its lines, data and para strings. */
static void asm_free_output(struct asm_ctx *a)
{
	mips_bytes_free(a->port, &a->text);
	mips_bytes_free(a->port, &a->text_line);
	mips_bytes_free(a->port, &a->data);
	mips_bytes_free(a->port, &a->kdata);
}

static void asm_release(struct asm_ctx *a)
{
	mips_free(a->port, a->syms, a->symcap * sizeof *a->syms);
	asm_free_output(a);
}

/* Trims a buffer to its length so that its owner can free it knowing only the length. */
static bool shrink(const struct mips_port *port, struct mips_bytes *b)
{
	if (b->len == b->cap)
		return true;
	if (!b->len) {
		mips_bytes_free(port, b);
		return true;
	}
	uint8_t *p = mips_realloc(port, b->p, b->cap, b->len);
	if (!p)
		return false;
	b->p = p, b->cap = b->len;
	return true;
}

/*
 * Moves the buffers into prog, appending the exit stub "<end of text>; addiu $v0,$zero,10; syscall":
 * main returns to the second word; running off the end reaches the first (mips_text_end).
 */
static bool asm_finish(struct asm_ctx *a, struct mips_program *prog)
{
	uint32_t stub[3] = { mips_insn_table[MIPS_I_TEXT_END].match,
			     mips_insn_table[MIPS_I_ADDIU].match | MIPS_RT(2) | 10,
			     mips_insn_table[MIPS_I_SYSCALL].match };
	uint32_t zero[3] = { 0, 0, 0 };
	uint32_t main_addr;

	memset(prog, 0, sizeof *prog);
	prog->user_text_end = a->text_pc;
	if (!mips_bytes_append(a->port, &a->text, stub, sizeof stub) ||
	    !mips_bytes_append(a->port, &a->text_line, zero, sizeof zero))
		return false;
	if (!shrink(a->port, &a->text) || !shrink(a->port, &a->text_line) || !shrink(a->port, &a->data) ||
	    !shrink(a->port, &a->kdata))
		return false;
	prog->text = (uint32_t *)a->text.p;
	prog->text_line = (uint32_t *)a->text_line.p;
	prog->ntext = a->text.len / 4;
	prog->data = a->data.p, prog->ndata = a->data.len;
	prog->kdata = a->kdata.p, prog->nkdata = a->kdata.len;
	prog->entry = MIPS_TEXT_BASE;
	if (mips_asm_sym_lookup(a, "main", 4, &main_addr))
		prog->entry = main_addr;
	a->text = a->text_line = a->data = a->kdata = (struct mips_bytes){ 0 };
	return true;
}

int mips_assemble(const struct mips_port *port, const char *file, const char *src, size_t len,
		  struct mips_program *out)
{
	return mips_assemble_limited(port, file, src, len, 0, out);
}

/* The last component of file (a path on mipsvm), cut to fit. */
static void program_name_file(struct mips_program *out, const char *file)
{
	const char *base = file;
	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = strlen(base);
	n = n < MIPS_FILE_MAX - 1 ? n : MIPS_FILE_MAX - 1;
	memcpy(out->file, base, n);
	out->file[n] = 0;
}

int mips_assemble_limited(const struct mips_port *port, const char *file, const char *src, size_t len,
			  uint32_t mem_limit, struct mips_program *out)
{
	struct asm_ctx a = { .port = port, .file = file, .src = src, .end = src + len,
			     .mem_limit = mem_limit ? mem_limit : MIPS_DEFAULT_MEM_LIMIT };
	uint32_t main_addr;

	asm_pass(&a, 1);
	/* Much data (or too much): check everything before building it, so a program refused for
	 * any reason costs no time filling memory it will never have. */
	a.dry = a.too_big || a.data_pc - MIPS_DATA_BASE > ASM_BUILD_AFTER_CHECK;
	asm_pass(&a, 2);
	if (a.dry && !a.errors && !a.oom) {
		asm_free_output(&a);
		a.dry = false;
		a.quiet = true;
		asm_pass(&a, 2);
	}
	if (!a.errors && mips_asm_sym_lookup(&a, "main", 4, &main_addr) &&
	    (main_addr < MIPS_TEXT_BASE || main_addr >= a.text_pc)) {
		a.line = 0;
		mips_asm_error(&a, 1, "'main' must label an instruction in .text");
	}
	if (!a.errors && a.text_pc + 12 - MIPS_TEXT_BASE > (16u << 20)) {
		a.line = 0;
		mips_asm_error(&a, 1, "program text larger than 16 MiB");
	}
	if (a.oom || (!a.errors && !asm_finish(&a, out))) {
		a.line = 0;
		mips_asm_error(&a, 1, "out of memory");
	}
	asm_release(&a);
	if (!a.errors)
		program_name_file(out, file);
	return a.errors;
}

void mips_program_free(const struct mips_port *port, struct mips_program *prog)
{
	mips_free(port, prog->text, prog->ntext * 4);
	mips_free(port, prog->text_line, prog->ntext * 4);
	mips_free(port, prog->data, prog->ndata);
	mips_free(port, prog->kdata, prog->nkdata);
	memset(prog, 0, sizeof *prog);
}
