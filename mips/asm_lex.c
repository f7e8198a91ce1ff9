/* asm_lex.c: the assembler's lexer: identifiers, numbers, character and string literals, operands. */
#include "asm_int.h"
#include "fpdec.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ident0(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.'; }
static bool is_ident(char c) { return is_ident0(c) || is_digit(c); }

void mips_asm_skip_space(struct asm_ctx *a)
{
	while (a->p < a->line_end && is_space(*a->p))
		a->p++;
}

bool mips_asm_at_end(struct asm_ctx *a)
{
	mips_asm_skip_space(a);
	return a->p >= a->line_end || *a->p == '#';
}

size_t mips_asm_ident(struct asm_ctx *a)
{
	const char *q = a->p;

	if (q >= a->line_end || !is_ident0(*q))
		return 0;
	while (q < a->line_end && is_ident(*q))
		q++;
	return (size_t)(q - a->p);
}

static int hex_digit(char c)
{
	if (is_digit(c)) return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash (the cursor is on the character after it); -1 if unknown. */
static int parse_escape(struct asm_ctx *a)
{
	char c = *a->p++;

	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '0': return 0;
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case '\\': case '\'': case '"': return c;
	default: return -1;
	}
}

static bool parse_char_literal(struct asm_ctx *a, int64_t *v)
{
	const char *start = a->p++;
	int c;

	if (a->p >= a->line_end)
		goto bad;
	if (*a->p == '\\') {
		a->p++;
		if (a->p >= a->line_end || (c = parse_escape(a)) < 0) {
			mips_asm_error(a, mips_asm_col(a, start), "unknown escape in character literal");
			return false;
		}
	} else {
		c = (unsigned char)*a->p++;
	}
	if (a->p >= a->line_end || *a->p != '\'')
		goto bad;
	a->p++;
	*v = c;
	return true;
bad:
	mips_asm_error(a, mips_asm_col(a, start), "unterminated character literal");
	return false;
}

static bool parse_number(struct asm_ctx *a, int64_t *v)
{
	const char *start = a->p;
	uint64_t n = 0;
	int base = 10, digits = 0;

	if (*a->p == '\'')
		return parse_char_literal(a, v);
	if (a->p + 1 < a->line_end && a->p[0] == '0' && (a->p[1] == 'x' || a->p[1] == 'X'))
		base = 16, a->p += 2;
	for (; a->p < a->line_end; a->p++, digits++) {
		int d = hex_digit(*a->p);
		if (d < 0 || d >= base)
			break;
		n = n * (uint64_t)base + (uint64_t)d;
		if (n > 0xffffffffull) {
			mips_asm_error(a, mips_asm_col(a, start), "number does not fit in 32 bits");
			return false;
		}
	}
	if (!digits || (a->p < a->line_end && is_ident(*a->p))) {
		mips_asm_error(a, mips_asm_col(a, start), "malformed number");
		return false;
	}
	*v = (int64_t)n;
	return true;
}

/* expr := ['-'|'+'] term { ('+'|'-') term }, term := number | char | symbol; at most one symbol. */
bool mips_asm_parse_expr(struct asm_ctx *a, struct asm_expr *e)
{
	int sign = 1;

	mips_asm_skip_space(a);
	e->sym = NULL, e->symlen = 0, e->add = 0, e->col = mips_asm_col(a, a->p);
	for (bool first = true;; first = false) {
		mips_asm_skip_space(a);
		if (a->p < a->line_end && (*a->p == '-' || *a->p == '+')) {
			sign = *a->p == '-' ? -sign : sign;
			a->p++;
			mips_asm_skip_space(a);
		} else if (!first) {
			break;
		}
		if (a->p >= a->line_end) {
			mips_asm_error(a, mips_asm_col(a, a->p), "expected a number or label");
			return false;
		}
		size_t n = mips_asm_ident(a);
		int64_t v;
		if (n) {
			if (e->sym || sign < 0) {
				mips_asm_error(a, mips_asm_col(a, a->p), "only one label, added, per expression");
				return false;
			}
			e->sym = a->p, e->symlen = n;
			a->p += n;
		} else if (is_digit(*a->p) || *a->p == '\'') {
			if (!parse_number(a, &v))
				return false;
			e->add += sign * v;
		} else {
			mips_asm_error(a, mips_asm_col(a, a->p), "expected a number or label");
			return false;
		}
		sign = 1;
		mips_asm_skip_space(a);
		if (a->p >= a->line_end || (*a->p != '+' && *a->p != '-'))
			break;
	}
	if (e->add < -0x80000000ll || e->add > 0xffffffffll) {
		mips_asm_error(a, e->col, "value does not fit in 32 bits");
		return false;
	}
	return true;
}

bool mips_asm_expr_value(struct asm_ctx *a, const struct asm_expr *e, int64_t *v)
{
	uint32_t s = 0;

	if (e->sym && !mips_asm_sym_lookup(a, e->sym, e->symlen, &s)) {
		if (a->pass == 2)
			mips_asm_error(a, e->col, "undefined label '%.*s'", (int)e->symlen, e->sym);
		*v = 0;
		return a->pass == 1;
	}
	if (e->sym && (s + e->add < 0 || s + e->add > 0xffffffffll)) {	/* no wrapping around 4 GiB */
		mips_asm_error(a, e->col, "address '%.*s' %c %lld is outside [0, 0xffffffff]", (int)e->symlen, e->sym,
			       e->add < 0 ? '-' : '+', (long long)(e->add < 0 ? -e->add : e->add));
		*v = 0;
		return false;
	}
	*v = e->sym ? s + e->add : e->add;
	return true;
}

bool mips_asm_parse_string(struct asm_ctx *a, struct mips_bytes *out)
{
	const char *start = a->p;

	if (a->p >= a->line_end || *a->p != '"') {
		mips_asm_error(a, mips_asm_col(a, a->p), "expected a string in double quotes");
		return false;
	}
	for (a->p++; a->p < a->line_end && *a->p != '"';) {
		int c = (unsigned char)*a->p++;
		if (c == '\\') {
			if (a->p >= a->line_end)
				break;
			const char *esc = a->p - 1;
			if ((c = parse_escape(a)) < 0) {
				mips_asm_error(a, mips_asm_col(a, esc), "unknown escape in string");
				return false;
			}
		}
		uint8_t b = (uint8_t)c;
		if (out && !mips_bytes_append(a->port, out, &b, 1))
			a->oom = true;
	}
	if (a->p >= a->line_end) {
		mips_asm_error(a, mips_asm_col(a, start), "unterminated string");
		return false;
	}
	a->p++;
	return true;
}

/* "$name" or "$number" at the cursor; -1 with an error otherwise. */
static int parse_register(struct asm_ctx *a)
{
	const char *start = a->p++;
	const char *q = a->p;

	while (q < a->line_end && is_ident(*q))
		q++;
	size_t n = (size_t)(q - a->p);
	a->p = q;
	if (n && n <= 2 && is_digit(start[1]) && (n == 1 || is_digit(start[2]))) {
		int r = start[1] - '0';
		if (n == 2)
			r = r * 10 + start[2] - '0';
		if (r < 32)
			return r;
	}
	for (unsigned r = 0; r < 32; r++)
		if (strlen(mips_reg_name(r)) == n && !strncmp(mips_reg_name(r), start + 1, n))
			return (int)r;
	if (n == 2 && !strncmp(start + 1, "s8", 2))
		return 30;
	mips_asm_error(a, mips_asm_col(a, start), "unknown register '%.*s'", (int)(n + 1), start);
	return -1;
}

/* "($reg)" at the cursor. */
static bool parse_base(struct asm_ctx *a, struct asm_opnd *op)
{
	a->p++;
	mips_asm_skip_space(a);
	if (a->p >= a->line_end || *a->p != '$') {
		mips_asm_error(a, mips_asm_col(a, a->p), "expected a base register");
		return false;
	}
	if ((op->reg = parse_register(a)) < 0)
		return false;
	mips_asm_skip_space(a);
	if (a->p >= a->line_end || *a->p != ')') {
		mips_asm_error(a, mips_asm_col(a, a->p), "expected ')'");
		return false;
	}
	a->p++;
	return true;
}

/* [+-]digits followed by '.' or an exponent: a floating-point literal rather than an integer expression. */
static bool at_float(const struct asm_ctx *a)
{
	const char *q = a->p;

	if (q < a->line_end && (*q == '-' || *q == '+'))
		q++;
	if (q >= a->line_end || !is_digit(*q))
		return false;
	while (q < a->line_end && is_digit(*q))
		q++;
	return q < a->line_end && (*q == '.' || *q == 'e' || *q == 'E');
}

static bool parse_float(struct asm_ctx *a, struct asm_opnd *op)
{
	uint64_t bits;
	size_t used = mips_fpdec_parse(a->p, (size_t)(a->line_end - a->p), &bits);

	if (a->p + used < a->line_end && is_ident(a->p[used])) {
		mips_asm_error(a, op->col, "malformed floating-point number");
		return false;
	}
	a->p += used;
	op->kind = OPND_FLOAT;
	op->e = (struct asm_expr){ NULL, 0, (int64_t)bits, op->col };
	return true;
}

static bool parse_operand(struct asm_ctx *a, struct asm_opnd *op)
{
	mips_asm_skip_space(a);
	op->col = mips_asm_col(a, a->p);
	op->has_expr = false;
	op->reg = -1;
	if (a->p + 4 < a->line_end && !strncmp(a->p, "$fcc", 4) && is_digit(a->p[4]) &&
	    (a->p + 5 == a->line_end || !is_ident(a->p[5]))) {	/* GNU as's name of condition flag N */
		op->kind = OPND_IMM;
		op->e = (struct asm_expr){ NULL, 0, a->p[4] - '0', op->col };
		a->p += 5;
		return true;
	}
	if (a->p + 2 < a->line_end && a->p[0] == '$' && a->p[1] == 'f' && is_digit(a->p[2])) {
		const char *q = a->p + 2;
		int r = 0;
		while (q < a->line_end && is_digit(*q) && r < 100)
			r = r * 10 + (*q++ - '0');
		if (r > 31 || (q < a->line_end && is_ident(*q))) {
			mips_asm_error(a, op->col, "unknown floating-point register '%.*s'", (int)(q - a->p), a->p);
			return false;
		}
		a->p = q;
		op->kind = OPND_FREG;
		op->reg = r;
		return true;
	}
	if (a->p < a->line_end && *a->p == '$') {
		op->kind = OPND_REG;
		return (op->reg = parse_register(a)) >= 0;
	}
	if (a->p < a->line_end && *a->p == '(') {
		op->kind = OPND_MEM;
		op->e = (struct asm_expr){ NULL, 0, 0, op->col };
		return parse_base(a, op);
	}
	if (at_float(a))
		return parse_float(a, op);
	if (!mips_asm_parse_expr(a, &op->e))
		return false;
	op->has_expr = true;
	op->kind = OPND_IMM;
	mips_asm_skip_space(a);
	if (a->p < a->line_end && *a->p == '(') {
		op->kind = OPND_MEM;
		return parse_base(a, op);
	}
	return true;
}

/* Operands, separated by commas or blanks, up to the end of the line; the count, or -1 after an error. */
int mips_asm_parse_operands(struct asm_ctx *a, struct asm_opnd *op, int max)
{
	int n = 0;

	if (mips_asm_at_end(a))
		return 0;
	for (;;) {
		if (n == max) {
			mips_asm_error(a, mips_asm_col(a, a->p), "too many operands");
			return -1;
		}
		if (!parse_operand(a, &op[n++]))
			return -1;
		if (mips_asm_at_end(a))
			return n;
		if (*a->p == ',')	/* SPIM: commas are optional, a trailing one is tolerated */
			a->p++;
		if (mips_asm_at_end(a))
			return n;
	}
}
