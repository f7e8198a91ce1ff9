/* test_mips_asm.c: assembler: pseudo-instruction expansions, literals, directives, and error reports. */
#include "tests/check.h"
#include "tests/mips/testport.h"

static struct testport *tp;

/* Assembles src; returns the number of errors and the text words (user part) in words and n. */
static int assemble(const char *src, uint32_t *words, size_t *n, struct mips_program *keep)
{
	struct mips_program prog;
	tp_reset_output(tp);
	int errors = mips_assemble(&tp->port, "t.s", src, strlen(src), &prog);
	if (errors)
		return errors;
	*n = (prog.user_text_end - MIPS_TEXT_BASE) / 4;
	memcpy(words, prog.text, *n * 4);
	if (keep)
		*keep = prog;
	else
		mips_program_free(&tp->port, &prog);
	return 0;
}

/* A pseudo-instruction must assemble to the same words as its documented expansion. */
static void expands(const char *pseudo, const char *real)
{
	uint32_t a[64], b[64];
	size_t na = 0, nb = 0;
	int ea = assemble(pseudo, a, &na, NULL), eb = assemble(real, b, &nb, NULL);
	CHECK(!ea && !eb && na == nb && !memcmp(a, b, na * 4), "'%s' expands to '%s' (%zu vs %zu words)", pseudo,
	      real, na, nb);
}

static void test_expansions(void)
{
	expands("li $t0, 5", "addiu $t0, $zero, 5");
	expands("li $t0 5,", "addiu $t0, $zero, 5");	/* SPIM: optional and trailing commas */
	expands("L : bne $t1 101 L", "L: addiu $at, $zero, 101\nbne $t1, $at, L");
	expands("addi $t0, 1", "addi $t0, $t0, 1");	/* SPIM's two-operand immediate forms */
	expands("sub $t0 3", "addi $t0, $t0, -3");
	expands("andi $t0 0xff", "andi $t0, $t0, 0xff");
	expands("ulw $t0, 3($t1)", "lwl $t0, 6($t1)\nlwr $t0, 3($t1)");
	expands("usw $t0, ($t1)", "swl $t0, 3($t1)\nswr $t0, 0($t1)");
	expands("ulh $t0, 1($t1)", "lb $t0, 2($t1)\nlbu $at, 1($t1)\nsll $t0, $t0, 8\nor $t0, $t0, $at");
	expands("ulhu $t1, 1($t1)", "lbu $at, 1($t1)\nlbu $t1, 2($t1)\nsll $t1, $t1, 8\nor $t1, $t1, $at");
	expands("ush $t0, 1($t1)", "sb $t0, 1($t1)\nsrl $at, $t0, 8\nsb $at, 2($t1)");
	expands(".data\n.extern e 4\n.text\nla $a0, e", "lui $at, 0x1000\nori $a0, $at, 0");
	expands("li $t0, -32768", "addiu $t0, $zero, -32768");
	expands("li $t0, 0xffff", "ori $t0, $zero, 0xffff");
	expands("li $t0, 0x12345678", "lui $t0, 0x1234\nori $t0, $t0, 0x5678");
	expands("li $t0, 0x10000", "lui $t0, 1");
	expands("li $t0, 0xffffffff", "addiu $t0, $zero, -1");
	expands("li $t0, '\\n'", "addiu $t0, $zero, 10");
	expands("li $t0, 'A'", "addiu $t0, $zero, 65");
	expands(".data\nx: .word 1\n.text\nla $a0, x", "lui $at, 0x1001\nori $a0, $at, 0");
	expands(".data\n.space 8\nx: .word 1\n.text\nla $a0, x+4", "lui $at, 0x1001\nori $a0, $at, 12");
	expands("la $a0, 8($sp)", "addiu $a0, $sp, 8");
	expands(".data\n.space 0x8000\nx: .word 1\n.text\nlw $t0, x", "lui $at, 0x1002\nlw $t0, -0x8000($at)");
	expands(".data\nx: .word 1\n.text\nlw $t0, x($t1)", "lui $at, 0x1001\naddu $at, $at, $t1\nlw $t0, 0($at)");
	expands("sw $t0, 100000($t1)", "lui $at, 2\naddu $at, $at, $t1\nsw $t0, -31072($at)");
	expands("lw $t0, ($t1)", "lw $t0, 0($t1)");
	expands("lb $t0, 12", "lb $t0, 12($zero)");
	expands("move $t0, $t1", "addu $t0, $t1, $zero");
	expands("nop", "sll $zero, $zero, 0");
	expands("not $t0, $t1", "nor $t0, $t1, $zero");
	expands("neg $t0, $t1", "sub $t0, $zero, $t1");
	expands("negu $t0, $t1", "subu $t0, $zero, $t1");
	expands("abs $t0, $t1", "sra $at, $t1, 31\nxor $t0, $t1, $at\nsubu $t0, $t0, $at");
	expands("L: b L", "L: beq $zero, $zero, L");
	expands("L: bal L", "L: bgezal $zero, L");
	expands("L: beqz $t0, L", "L: beq $t0, $zero, L");
	expands("L: bnez $t0, L", "L: bne $t0, $zero, L");
	expands("L: beq $t0, 5, L", "L: addiu $at, $zero, 5\nbeq $t0, $at, L");
	expands("L: blt $t0, $t1, L", "L: slt $at, $t0, $t1\nbne $at, $zero, L");
	expands("L: bgt $t0, $t1, L", "L: slt $at, $t1, $t0\nbne $at, $zero, L");
	expands("L: ble $t0, $t1, L", "L: slt $at, $t1, $t0\nbeq $at, $zero, L");
	expands("L: bge $t0, $t1, L", "L: slt $at, $t0, $t1\nbeq $at, $zero, L");
	expands("L: bltu $t0, $t1, L", "L: sltu $at, $t0, $t1\nbne $at, $zero, L");
	expands("L: bgtu $t0, $t1, L", "L: sltu $at, $t1, $t0\nbne $at, $zero, L");
	expands("L: bleu $t0, $t1, L", "L: sltu $at, $t1, $t0\nbeq $at, $zero, L");
	expands("L: bgeu $t0, $t1, L", "L: sltu $at, $t0, $t1\nbeq $at, $zero, L");
	expands("L: blt $t0, 7, L", "L: addiu $at, $zero, 7\nslt $at, $t0, $at\nbne $at, $zero, L");
	expands("sgt $t0, $t1, $t2", "slt $t0, $t2, $t1");
	expands("sge $t0, $t1, $t2", "slt $t0, $t1, $t2\nxori $t0, $t0, 1");
	expands("sle $t0, $t1, $t2", "slt $t0, $t2, $t1\nxori $t0, $t0, 1");
	expands("sgeu $t0, $t1, $t2", "sltu $t0, $t1, $t2\nxori $t0, $t0, 1");
	expands("seq $t0, $t1, $t2", "xor $t0, $t1, $t2\nsltiu $t0, $t0, 1");
	expands("sne $t0, $t1, $t2", "xor $t0, $t1, $t2\nsltu $t0, $zero, $t0");
	expands("add $t0, $t1, 5", "addi $t0, $t1, 5");
	expands("add $t0, $t1, 100000", "lui $at, 1\nori $at, $at, 0x86a0\nadd $t0, $t1, $at");
	expands("addi $t0, $t1, 40000", "ori $at, $zero, 40000\nadd $t0, $t1, $at");
	expands("sub $t0, $t1, 5", "addi $t0, $t1, -5");
	expands("subu $t0, $t1, -5", "addiu $t0, $t1, 5");
	expands("and $t0, $t1, 0xff", "andi $t0, $t1, 0xff");
	expands("andi $t0, $t1, -1", "addiu $at, $zero, -1\nand $t0, $t1, $at");
	expands("or $t0, $t1, 0x10000", "lui $at, 1\nor $t0, $t1, $at");
	expands("slt $t0, $t1, -3", "slti $t0, $t1, -3");
	expands("mul $t0, $t1, 10", "addiu $at, $zero, 10\nmul $t0, $t1, $at");
	expands("div $t0, $t1, $t2", "bne $t2, $zero, L\nbreak 7\nL: div $zero, $t1, $t2\nmflo $t0");
	expands("div $t1, $t2", "div $zero, $t1, $t2");
	expands("rem $t0, $t1, 3", "addiu $at, $zero, 3\ndiv $zero, $t1, $at\nmfhi $t0");
	expands("remu $t0, $t1, $t2", "bne $t2, $zero, L\nbreak 7\nL: divu $zero, $t1, $t2\nmfhi $t0");
	expands("rol $t0, $t1, 4", "rotr $t0, $t1, 28");
	expands("ror $t0, $t1, 4", "rotr $t0, $t1, 4");
	expands("rol $t0, $t1, $t2", "subu $at, $zero, $t2\nrotrv $t0, $t1, $at");
	expands("sll $t0, $t1, $t2", "sllv $t0, $t1, $t2");
	expands("jalr $t0", "jalr $ra, $t0");
	expands("j $ra", "jr $ra");
	expands("sw $t0, -4($sp)", ".word 0xafa8fffc");
	expands("li.s $f0, 1.5", "lui $at, 0x3fc0\nmtc1 $at, $f0");
	expands("li.s $f3 -0.1,", "lui $at, 0xbdcc\nori $at, $at, 0xcccd\nmtc1 $at, $f3");
	expands("li.s $f2, 0.0", "mtc1 $zero, $f2");
	expands("li.s $f2, 1e40", "lui $at, 0x7f80\nmtc1 $at, $f2");	/* SPIM's (float) of the double: inf */
	expands("li.s $f2, 1.0000000596046447753906251", "lui $at, 0x3f80\nmtc1 $at, $f2");	/* twice rounded */
	expands("li.d $f2, 2.5", "mtc1 $zero, $f2\nlui $at, 0x4004\nmtc1 $at, $f3");
	expands("li.d $f30, -0.1", "lui $at, 0x9999\nori $at, $at, 0x999a\nmtc1 $at, $f30\n"
		"lui $at, 0xbfb9\nori $at, $at, 0x9999\nmtc1 $at, $f31");
	expands("li.d $f4, -0.0", "mtc1 $zero, $f4\nlui $at, 0x8000\nmtc1 $at, $f5");
}

static void test_literals_and_directives(void)
{
	struct mips_program p;
	uint32_t w[64];
	size_t n;

	CHECK(!assemble(".data\na: .byte 1\nb: .word 2\nc: .half 3\nd: .byte 'x', '\\t', -1\n"
			"e: .ascii \"q\\\"\\n\"\nf: .asciiz \"\"\n.align 2\ng: .word a, g+4, 0:3\n"
			".text\nmain: jr $ra", w, &n, &p),
	      "directives assemble");
	static const uint8_t want[] = { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 'x', '\t', 0xff, 'q', '"', '\n', 0,
					0, 0, 0, 0x00, 0x00, 0x01, 0x10, 0x18, 0x00, 0x01, 0x10, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 0 };
	CHECK(p.ndata == sizeof want && !memcmp(p.data, want, sizeof want),
	      ".word auto-aligns, labels before it follow, label values and repeats (%zu bytes)", p.ndata);
	CHECK(p.entry == MIPS_TEXT_BASE && n == 1, "main is the entry");
	mips_program_free(&tp->port, &p);
	CHECK(!assemble("nop\nmain: nop", w, &n, &p) && p.entry == MIPS_TEXT_BASE + 4, "entry at main when present");
	mips_program_free(&tp->port, &p);
	CHECK(!assemble("nop\nstart: nop", w, &n, &p) && p.entry == MIPS_TEXT_BASE, "entry at the first word without main");
	CHECK(p.ntext == 5 && p.text[2] == 0xef000000u && p.text[3] == 0x2402000a && p.text[4] == 0x0000000c,
	      "exit stub <end of text>; li $v0,10; syscall follows text");
	mips_program_free(&tp->port, &p);
	CHECK(!assemble("li $t0, 0x7fffffff # comment ; \"x\"\n\t# only a comment\nli $t1, -2147483648", w, &n, NULL) &&
	      n == 3, "comments, extreme literals");
	CHECK(!assemble("DUMP_PROCESSOR_STATE\nSNAPSHOT snap one.bin # c\nMIGRATE host:7000", w, &n, &p) &&
	      n == 3 && w[0] == 0xec000000u && w[1] == 0xed000000u && w[2] == 0xee00000du,
	      "para-instructions encode their kdata string offset");
	CHECK(p.nkdata == 23 && !memcmp(p.kdata, "snap one.bin\0host:7000", 23), "para strings kept in kdata");
	mips_program_free(&tp->port, &p);
}

/* src must fail with exactly nerr errors, and the diagnostics must contain want. */
static void fails(const char *src, int nerr, const char *want)
{
	uint32_t w[64];
	size_t n;
	int e = assemble(src, w, &n, NULL);
	CHECK(e == nerr && strstr(tp->diag, want), "'%s' -> %d error(s) [%s]: got %d: %s", src, nerr, want, e, tp->diag);
}

static void test_errors(void)
{
	fails("add $t0, $t1", 1, "t.s:1:");
	fails("foo $t0", 1, "t.s:1:1: error: unknown instruction 'foo'");
	fails("nop\n  add $t0, $t9x, $t1", 1, "t.s:2:12: error: unknown register '$t9x'");
	fails("sll $t0, $t1, 32", 1, "t.s:1:15: error: shift amount or position 32 out of range [0, 31]");
	fails("beq $t0, $t1, nowhere", 1, "t.s:1:15: error: undefined label 'nowhere'");
	fails("x: nop\nx: nop", 1, "t.s:2:1: error: label 'x' already defined on line 1");
	fails(".data\n.asciiz \"abc", 1, "t.s:2:9: error: unterminated string");
	fails("li $t0, 0x100000000", 1, "t.s:1:9: error: number does not fit in 32 bits");
	fails("li $t0, 12abc", 1, "malformed number");
	fails(".data\n.byte 256", 1, "value 256 does not fit in 1 byte(s)");
	fails(".foo 1", 1, "unknown or unsupported directive '.foo'");
	fails(".data\nadd $t0, $t0, $t0", 1, "instructions belong in .text");
	fails("lw $t0, 4($t1", 1, "expected ')'");
	fails("li $t0, 'ab'", 1, "unterminated character literal");
	fails("li $t0, '\\q'", 1, "unknown escape");
	fails("add $t0, $t1, $t2 junk", 1, "t.s:1:19: error: too many operands for 'add'");
	fails("SNAPSHOT", 1, "SNAPSHOT needs an argument");
	fails("bad1 $t0\nadd $t0\n.data\n.word x\n.text\nli $t0, $t1", 4, "t.s:6:1: error: invalid operands for 'li'");
	fails("j 0x20000000", 1, "unreachable");
	fails("ins $t0, $t1, 30, 3", 1, "size 3 out of range [1, 2]");
	fails(".float 1.5", 1, "floating-point values belong in .data");
	fails(".data\n.double x", 1, "expected a decimal number");
	fails("li.d $f3, 1.0", 1, "t.s:1:6: error: li.d needs an even floating-point register");
	fails("li.s $f0, 1.5x", 1, "t.s:1:11: error: malformed floating-point number");
	fails("add.d $f0, $f2, $f5", 1, "t.s:1:7: error: $f5 is odd: a double takes an even/odd register pair");
	fails("c.eq.d $f1, $f2\ncvt.d.s $f3, $f2", 2, "t.s:2:9: error: $f3 is odd");
	uint32_t ok[8];
	size_t nok;
	CHECK(!assemble("cvt.s.d $f1, $f2\ncvt.w.d $f3, $f2\ntrunc.w.d $f1, $f2\nmovz.d $f2, $f4, $t1\n"
			"movf.d $f2, $f4, 1\nc.eq.d 7, $f2, $f4\nadd.s $f1, $f3, $f5", ok, &nok, NULL) && nok == 7,
	      "odd registers where SPIM allows them: single or word results, GPRs, condition flags, singles");
	fails("li.s $t0, 1.5\nli.s $f0, x\nli $t0, 2.5", 3, "t.s:3:1: error: invalid operands for 'li'");
	fails("div $t0, $t1, 0\nremu $t0, $t1, 0x0", 2, "t.s:2:16: error: division by zero");
	fails("addi $t0, $t0, 1.5", 1, "t.s:1:16: error: immediate must be an integer");
	uint32_t w[4];
	size_t n;
	CHECK(!assemble(".data\n.space 0\n.ascii \"\"\n.text\nnop", w, &n, NULL) && n == 1,
	      "empty .space and .ascii emit nothing (found by libFuzzer)");
}

/* Sizes are checked against the VM's memory before the work is done, over the whole program. */
static void test_limits(void)
{
	static char src[8192];
	struct mips_program p;
	int e;

	fails(".data\n.word 0:16777216", 1,
	      "t.s:2:9: error: program larger than the VM memory limit of 65536 KiB");
	strcpy(src, ".data\n");
	for (int i = 0; i < 20; i++)
		strcat(src, ".word 0:4194304\n");
	fails(src, 1, "t.s:5:9: error: program larger than the VM memory limit of 65536 KiB");
	strcpy(src, ".data\n.byte 1:16777216");
	for (int i = 0; i < 8; i++)
		strcat(src, ", 1:16777216");
	fails(src, 1, "t.s:2:45: error: program larger than the VM memory limit");
	fails(".word 0:4194304", 1, "t.s:1:9: error: program text larger than 16 MiB");

	tp_reset_output(tp);
	strcpy(src, ".data\n.space 40000\n.space 40000\n");
	e = mips_assemble_limited(&tp->port, "t.s", src, strlen(src), 64 << 10, &p);
	CHECK(e == 1 && strstr(tp->diag, "t.s:3:8: error: program larger than the VM memory limit of 64 KiB"),
	      "the caller's limit: %s", tp->diag);
	tp_reset_output(tp);
	strcpy(src, "nop\n");
	for (int i = 0; i < 4; i++) {
		size_t l = strlen(src);
		strcpy(src + l, "SNAPSHOT ");
		memset(src + l + 9, 'a' + i, 250);
		strcpy(src + l + 9 + 250, "\n");
	}
	e = mips_assemble_limited(&tp->port, "t.s", src, strlen(src), 1024, &p);
	CHECK(e == 1 && strstr(tp->diag, "t.s:5:10: error: program larger than the VM memory limit of 1 KiB"),
	      "text, data and para strings count together: %s", tp->diag);
	tp_reset_output(tp);
	strcpy(src, ".data\n.space 65000\n.text\nmain: jr $ra\n");
	e = mips_assemble_limited(&tp->port, "t.s", src, strlen(src), 65536, &p);
	CHECK(e == 0, "a program just inside the limit assembles: %s", tp->diag);
	if (!e)
		mips_program_free(&tp->port, &p);

	fails("main: la $t0, main+4294967295", 1, "t.s:1:15: error: address 'main' + 4294967295 is outside [0, 0xffffffff]");
	fails("main: lw $t0, main-4194305", 1, "t.s:1:15: error: address 'main' - 4194305 is outside");
	uint32_t w[4];
	size_t n;
	CHECK(!assemble("main: la $t0, main-4194304\nla $t1, main+0xffbfffff", w, &n, NULL),
	      "address arithmetic up to the ends of the address space: %s", tp->diag);

	strcpy(src, "SNAPSHOT ");
	memset(src + 9, 'x', 256);
	src[9 + 256] = 0;
	fails(src, 1, "t.s:1:10: error: SNAPSHOT argument longer than 255 characters");
	strcpy(src, "MIGRATE \"");
	memset(src + 9, 'x', 300);
	strcpy(src + 9 + 300, "\"");
	fails(src, 1, "t.s:1:10: error: MIGRATE argument longer than 255 characters");
	strcpy(src, "SNAPSHOT ");
	memset(src + 9, 'x', 255);
	src[9 + 255] = 0;
	CHECK(!assemble(src, w, &n, NULL), "a 255-character SNAPSHOT argument (what para.c reads) assembles");
}

int main(void)
{
	tp = tp_new();
	test_expansions();
	test_literals_and_directives();
	test_errors();
	test_limits();
	tp_free(tp);
	return check_summary();
}
