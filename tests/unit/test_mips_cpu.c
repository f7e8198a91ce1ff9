/* test_mips_cpu.c: interpreter semantics, edge cases, faults, syscalls and memory limits. */
#include "tests/check.h"
#include "tests/mips/testport.h"

static struct testport *tp;

/* Runs src to its end; returns the VM (caller frees) for register checks. */
static struct mips_vm *run(const char *src)
{
	tp_reset_output(tp);
	struct mips_vm *vm = tp_vm(tp, src);
	if (vm)
		tp_run(vm);
	return vm;
}

/* Runs src and checks register r (by number) afterwards. */
static void reg_is(const char *src, unsigned r, uint32_t want)
{
	struct mips_vm *vm = run(src);
	uint32_t got = vm ? mips_vm_reg(vm, r) : 0xdeadbeef;
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_EXITED && got == want, "%s => $%u = 0x%08x (got 0x%08x%s)", src,
	      r, want, got, vm ? "" : ", did not assemble");
	mips_vm_free(vm);
}

/* Runs src and expects a fault whose message contains want. */
static void faults(const char *src, const char *want)
{
	struct mips_vm *vm = run(src);
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_FAULTED && strstr(mips_vm_fault(vm), want) &&
	      strstr(tp->diag, want), "%s faults with [%s]: %s", src, want, vm ? mips_vm_fault(vm) : "no vm");
	mips_vm_free(vm);
}

static void prints(const char *src, const char *input, const char *want)
{
	tp->input = input, tp->in_pos = 0;
	struct mips_vm *vm = run(src);
	CHECK(vm && !strcmp(tp->out, want), "%s prints [%s] (got [%s])", src, want, tp->out);
	tp->input = NULL;
	mips_vm_free(vm);
}

static void test_alu(void)
{
	reg_is("li $t0, 0x7fffffff\naddu $t1, $t0, 1", 9, 0x80000000u);
	reg_is("li $t0, -8\nsra $t1, $t0, 1", 9, 0xfffffffcu);
	reg_is("li $t0, -8\nsrl $t1, $t0, 28", 9, 0xf);
	reg_is("li $t0, 1\nli $t2, 33\nsllv $t1, $t0, $t2", 9, 2);
	reg_is("li $t0, 0x80000001\nrotr $t1, $t0, 1", 9, 0xc0000000u);
	reg_is("li $t0, 0x80000001\nli $t2, 36\nrotrv $t1, $t0, $t2", 9, 0x18000000u);
	reg_is("li $t0, -1\nli $t2, 1\nslt $t1, $t0, $t2", 9, 1);
	reg_is("li $t0, -1\nli $t2, 1\nsltu $t1, $t0, $t2", 9, 0);
	reg_is("li $t0, 5\nsltiu $t1, $t0, -1", 9, 1);
	reg_is("li $t0, 0\nclz $t1, $t0", 9, 32);
	reg_is("li $t0, 1\nclz $t1, $t0", 9, 31);
	reg_is("li $t0, -1\nclo $t1, $t0", 9, 32);
	reg_is("li $t0, 0x12345678\next $t1, $t0, 4, 8", 9, 0x67);
	reg_is("li $t0, 0x12345678\nli $t1, -1\nins $t1, $t0, 8, 4", 9, 0xfffff8ffu);
	reg_is("li $t0, 0x12345678\nwsbh $t1, $t0", 9, 0x34127856u);
	reg_is("li $t0, 0x80\nseb $t1, $t0", 9, 0xffffff80u);
	reg_is("li $t0, 0x8000\nseh $t1, $t0", 9, 0xffff8000u);
	reg_is("li $t0, 7\nli $t2, 0\nmovz $t1, $t0, $t2", 9, 7);
	reg_is("li $t1, 3\nli $t0, 7\nli $t2, 0\nmovn $t1, $t0, $t2", 9, 3);
	reg_is("lui $t1, 0xffff", 9, 0xffff0000u);
	reg_is("li $t0, 0x0f0f\nxori $t1, $t0, 0xffff", 9, 0xf0f0);
	reg_is("li $t0, 3\nnor $t1, $t0, $zero", 9, 0xfffffffcu);
	reg_is("addiu $zero, $zero, 5\nmove $t1, $zero", 9, 0);
}

static void test_muldiv(void)
{
	reg_is("li $t0, -3\nli $t2, 5\nmult $t0, $t2\nmfhi $t1", 9, 0xffffffffu);
	reg_is("li $t0, -3\nli $t2, 5\nmultu $t0, $t2\nmfhi $t1", 9, 4);
	reg_is("li $t0, -7\nli $t2, 2\ndiv $t0, $t2\nmflo $t1", 9, (uint32_t)-3);
	reg_is("li $t0, -7\nli $t2, 2\ndiv $t0, $t2\nmfhi $t1", 9, (uint32_t)-1);
	reg_is("li $t1, 77\nmtlo $t1\nli $t0, 0x80000000\nli $t2, -1\ndiv $t0, $t2\nmflo $t1", 9, 77);	/* as spim */
	reg_is("li $t0, 7\nmtlo $t0\nli $t2, 0\ndiv $t0, $t2\nmflo $t1", 9, 7);
	reg_is("li $t0, -1\nli $t2, 2\ndivu $t0, $t2\nmflo $t1", 9, 0x7fffffffu);
	reg_is("li $t0, 0x10000\nmul $t1, $t0, $t0", 9, 0);
	reg_is("li $t0, 3\nmthi $zero\nmtlo $t0\nli $t2, -2\nmadd $t0, $t2\nmflo $t1", 9, (uint32_t)-3);
	reg_is("li $t0, 3\nmthi $zero\nmtlo $zero\nli $t2, 2\nmsub $t0, $t2\nmfhi $t1", 9, 0xffffffffu);
	reg_is("li $t0, -1\nmthi $zero\nmtlo $zero\nmaddu $t0, $t0\nmfhi $t1", 9, 0xfffffffeu);
	reg_is("li $t0, 1\nmthi $zero\nmtlo $zero\nmsubu $t0, $t0\nmflo $t1", 9, 0xffffffffu);
}

static void test_memory(void)
{
	const char *data = ".data\nw: .word 0x11223344, 0x55667788\n.text\nla $t0, w\n";
	char src[256];
#define MEM(code, reg, want) (snprintf(src, sizeof src, "%s%s", data, code), reg_is(src, reg, want))
	MEM("lwl $t1, 1($t0)", 9, 0x33440000u);
	MEM("lwr $t1, 1($t0)", 9, 0x00112233u);
	MEM("li $t1, -1\nlwl $t1, 0($t0)", 9, 0x44ffffffu);
	MEM("li $t1, -1\nlwr $t1, 3($t0)", 9, 0xffffff11u);
	MEM("lwr $t1, 2($t0)\nlwl $t1, 5($t0)", 9, 0x77881122u);
	MEM("li $t2, 0xaabbccdd\nswl $t2, 1($t0)\nlw $t1, 0($t0)", 9, 0x1122aabbu);
	MEM("li $t2, 0xaabbccdd\nswr $t2, 1($t0)\nlw $t1, 0($t0)", 9, 0xbbccdd44u);
	MEM("lh $t1, 2($t0)", 9, 0x1122);
	MEM("lb $t1, 7($t0)", 9, 0x55);
	MEM("li $t2, 0xff\nsb $t2, 0($t0)\nlb $t1, 0($t0)", 9, 0xffffffffu);
	MEM("li $t2, -2\nsh $t2, 4($t0)\nlhu $t1, 4($t0)", 9, 0xfffe);
	MEM("ll $t1, 0($t0)\naddiu $t1, $t1, 1\nsc $t1, 0($t0)", 9, 1);
	/* self-modifying code: the stored word replaces the pre-decoded op */
	reg_is("la $t0, patch\nlw $t2, new\nsw $t2, 0($t0)\npatch: li $t1, 1\nj end\nnew: li $t1, 2\nend: nop", 9, 2);
	reg_is("li $t1, 0\nsw $ra, 0($sp)\nlw $t1, 0($sp)", 9, MIPS_TEXT_BASE + 16);	/* $ra: the exit stub after <end of text> */
	reg_is("move $t1, $gp", 9, MIPS_GP_INIT);
	reg_is("move $t1, $sp", 9, MIPS_SP_INIT);
}

static void test_control(void)
{
	reg_is("li $t1, 0\nbltzal $zero, x\nmove $t1, $ra\nx: nop", 9, MIPS_TEXT_BASE + 8);
	reg_is("li $t1, 0\nbgezal $zero, x\nli $t1, 5\nx: move $t1, $ra", 9, MIPS_TEXT_BASE + 8);
	reg_is("la $t0, f\njalr $t0\nj end\nf: move $t1, $ra\njr $ra\nend: nop", 9, MIPS_TEXT_BASE + 12);
	reg_is("li $t1, 1\nmain: li $t1, 2", 9, 2);
	reg_is("main: li $t1, 3\njr $ra\nli $t1, 4", 9, 3);
}

static void test_faults(void)
{
	faults("li $t0, 0x7fffffff\naddi $t1, $t0, 1", "fault at pc 0x00400008, t.s:2 (addi $t1, $t0, 1): arithmetic overflow");
	faults("li $t0, 0x80000000\nli $t2, 1\nsub $t1, $t0, $t2", "arithmetic overflow");
	faults("lw $t0, 2($gp)", "unaligned access to 0x10008002");
	faults("li $t0, 0x80000000\nlw $t1, 0($t0)", "bad address: load of 0x80000000");
	faults("sw $t0, 0($zero)", "fault at pc 0x00400000, t.s:1 (sw $t0, 0($zero)): bad address: store of 0x00000000, "
	       "outside the text, data (to 0x10020000) and stack (from 0x7fff0000) segments");
	faults("li $t0, 0x10020000\nlb $t1, 0($t0)", "bad address: load of 0x10020000");	/* the first break */
	faults("li $v0, 9\nli $a0, 6\nsyscall\nlw $t1, 8($v0)", "bad address: load of 0x10020008");
	faults("li $t0, 0x6fffffff\nsb $t0, 0($t0)", "bad address: store of 0x6fffffff");
	faults("li $t0, 0x7eff0000\nsw $t0, 0($t0)", "bad address: store of 0x7eff0000");	/* 16 MiB below */
	faults("li $t0, 0x00410000\nlw $t1, 0($t0)", "bad address: load of 0x00410000");	/* SPIM's 64 KiB text */
	faults("li $t0, 0x90010000\nlw $t1, 0($t0)", "bad address: load of 0x90010000");
	faults("addiu $sp, $sp, -0x200000\nsw $t0, 0($sp)",
	       "stack overflow: touching 0x7fdfeffc needs a stack of 2101256 bytes, past SPIM's limit of 262144");
	faults("li $t0, 0x7ffc0000\nsw $t0, 0($t0)", "needs a stack of 262148 bytes");
	reg_is("li $t0, 0x7ffc0004\nli $t1, 5\nsw $t1, 0($t0)\nlw $t1, 0($t0)", 9, 5);	/* grown to 256 KiB */
	reg_is("li $t0, 0x7ffe8000\nlw $t1, 0($t0)\nli $t2, 0x7ffd0002\nli $t1, 3\nsh $t1, 0($t2)\nlhu $t1, 0($t2)",
	       9, 3);	/* a read grows it too (to 128 KiB), then a store (to 256) */
	reg_is("li $t0, 0x0040fffc\nli $t1, 6\nsw $t1, 0($t0)\nlw $t1, 0($t0)", 9, 6);
	reg_is("li $t0, 0x1000fff0\nli $t1, 4\nsw $t1, 0($t0)\nlw $t1, 0($t0)", 9, 4);
	reg_is("li $t0, 0x90000ff0\nli $t1, 8\nsw $t1, 0($t0)\nlw $t1, 0($t0)", 9, 8);
	reg_is("li $v0, 9\nli $a0, 5\nsyscall\nli $t1, 7\nsw $t1, 4($v0)\nlw $t1, 4($v0)", 9, 7);
	faults("li $t0, 0x10010001\nldc1 $f0, 0($t0)", "unaligned access to 0x10010001");
	faults("li $t0, 0x00400002\njr $t0", "jump to unaligned 0x00400002");
	faults("j 0x00500000", "pc outside the text segment");
	faults(".word 0xfc000000", "reserved instruction");
	faults("break 3", "break instruction (code 3)");
	faults("li $t0, 1\nteq $t0, $t0", "trap");
	faults("li $t0, 1\ntnei $t0, 2", "trap");
	faults("li $t0, 1\nli $t1, 0\ndiv $t0, $t0, $t1", "break instruction (code 7)");	/* SPIM: bne, break */
	faults("li $v0, 13\nsyscall", "unsupported syscall 13 (open)");
	prints(".data\nd: .double 0.1\n.text\nl.d $f12, d\nli $v0, 3\nsyscall", NULL, "0.100000000000000006");
	faults("li $v0, 99\nsyscall", "unknown syscall 99");
	faults("li $v0, 4\nli $a0, 0x80000000\nsyscall", "the syscall's buffer reaches 0x80000000");
	faults("li $v0, 8\nli $a0, 0x7ff00000\nli $a1, 4\nsyscall", "the syscall's buffer reaches 0x7ff00000");
	/* the data segment to just below the limit, then the stack's pages pass it */
	faults("li $a0, 66900000\nli $v0, 9\nsyscall\naddu $t1, $v0, $a0\nli $t0, 0x10000000\n"
	       "fill: sw $t0, 0($t0)\naddiu $t0, $t0, 4096\nbltu $t0, $t1, fill\nli $t0, 0x7ffffffc\n"
	       "stack: sw $t0, 0($t0)\naddiu $t0, $t0, -4096\nb stack", "memory limit of 65536 KiB");
	faults("li $v0, 9\nli $a0, -4\nsyscall", "sbrk(-4): the data segment cannot be 131068 bytes");
	faults("li $v0, 9\nli $a0, 67000000\nsyscall", "sbrk(67000000)");
}

/* Under SPIM's handler src runs to its end, printing out and diag exactly (spim 8.0's texts). */
static void spim_handles(const char *src, const char *out, const char *diag)
{
	tp->spim_exceptions = true;
	struct mips_vm *vm = run(src);
	tp->spim_exceptions = false;
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_EXITED && !strcmp(tp->out, out) && !strcmp(tp->diag, diag),
	      "spim: %s prints [%s] [%s] (got [%s] [%s])", src, out, diag, tp->out, tp->diag);
	mips_vm_free(vm);
}

static void test_spim_exceptions(void)
{
	spim_handles("li $t0, 0x7fffffff\naddi $t0, $t0, 1\nli $v0, 10\nsyscall",
		     "  Exception 12  [Arithmetic overflow]  occurred and ignored\n",
		     "Exception occurred at PC=0x00400008\n  Arithmetic overflow\n");
	spim_handles("li $t1, 7\nlw $t1, 2($gp)\nmove $a0, $t1\nli $v0, 1\nsyscall\nli $v0, 10\nsyscall",
		     "  Exception 4  [Address error in inst/data fetch]  occurred and ignored\n0",
		     "Exception occurred at PC=0x00400004\n  Unaligned address in inst/data fetch: 0x10008002\n");
	spim_handles("sh $t0, 1($gp)\nli $v0, 10\nsyscall",
		     "  Exception 5  [Address error in store]  occurred and ignored\n",
		     "Exception occurred at PC=0x00400000\n  Unaligned address in store: 0x10008001\n");
	spim_handles("sw $t0, 0($zero)\nlb $t0, 16($zero)\nli $v0, 10\nsyscall",
		     "  Exception 7  [Bad data address]  occurred and ignored\n"
		     "  Exception 7  [Bad data address]  occurred and ignored\n",
		     "Exception occurred at PC=0x00400000\n  Bad address in data/stack read: 0x00000000\n"
		     "Exception occurred at PC=0x00400004\n  Bad address in data/stack read: 0x00000010\n");
	spim_handles("teq $zero, $zero\nbreak 3\n.word 0xfc000000\nli $v0, 10\nsyscall",
		     "  Exception 13  [Trap]  occurred and ignored\n  Exception 9  [Breakpoint]  occurred and ignored\n"
		     "  Exception 10  [Reserved instruction]  occurred and ignored\n",
		     "Exception occurred at PC=0x00400000\n  Trap\nException occurred at PC=0x00400004\n"
		     "Exception occurred at PC=0x00400008\n");
	spim_handles("nop\nnop", "", "Attempt to execute non-instruction at 0x00400008\n");
	spim_handles("main: jr $ra", "", "");
	spim_handles("li $v0, 99\nsyscall\nli $v0, 1\nsyscall", "", "Unknown system call: 99\n");
	struct mips_vm *vm = run("nop\nnop");
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_EXITED && mips_vm_icount(vm) == 4 && !tp->diag[0],
	      "stop: running off the end goes through the exit stub silently");
	mips_vm_free(vm);
}

static void test_syscalls(void)
{
	prints("li $v0, 1\nli $a0, -123\nsyscall\nli $v0, 11\nli $a0, 0x241\nsyscall", NULL, "-123A");
	prints(".data\ns: .asciiz \"a\\tb\\n\"\n.text\nli $v0, 4\nla $a0, s\nsyscall", NULL, "a\tb\n");
	prints("li $v0, 5\nsyscall\nmove $a0, $v0\nli $v0, 1\nsyscall", " +77x\n", "77");
	prints("li $v0, 5\nsyscall\nmove $a0, $v0\nli $v0, 1\nsyscall", "", "0");
	prints("li $v0, 12\nsyscall\nmove $a0, $v0\nli $v0, 1\nsyscall", "", "-1");
	prints(".data\nb: .space 8\n.text\nli $v0, 8\nla $a0, b\nli $a1, 4\nsyscall\nli $v0, 4\nsyscall\n"
	       "li $v0, 12\nsyscall\nmove $a0, $v0\nli $v0, 11\nsyscall", "hello\n", "hel" "l");
	prints("li $v0, 9\nli $a0, 1\nsyscall\nmove $a0, $v0\nli $v0, 1\nsyscall\nli $v0, 9\nli $a0, 0\nsyscall\n"
	       "move $a0, $v0\nli $v0, 1\nsyscall", NULL, "268566528268566532");
	struct mips_vm *vm = run("li $v0, 17\nli $a0, 42\nsyscall");
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_EXITED && mips_vm_exit_code(vm) == 42, "exit2 keeps its code");
	CHECK(vm && mips_vm_icount(vm) == 3, "instructions counted: %llu", vm ? (unsigned long long)mips_vm_icount(vm) : 0);
	mips_vm_free(vm);
	vm = run("nop\nnop");
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_EXITED && mips_vm_icount(vm) == 4,
	      "running off the end of .text exits through the stub");
	mips_vm_free(vm);
}

static void test_para(void)
{
	struct mips_vm *vm = run("li $t0, -2\nmthi $t0\nDUMP_PROCESSOR_STATE");
	CHECK(vm && strstr(tp->out, "pc = 0x00400008  hi = 0xfffffffe (-2)  lo = 0x00000000 (0)\n") &&
	      strstr(tp->out, "$8  t0   = 0xfffffffe (-2)\n") && strstr(tp->out, "$29 sp   = 0x7fffeffc (2147479548)\n") &&
	      strstr(tp->out, "instructions = 3\n"), "DUMP_PROCESSOR_STATE: pc, hi, lo, registers, count:\n%s", tp->out);
	mips_vm_free(vm);
	vm = run("li.d $f2, -0.1\nli.s $f5, 3.4028234e38\nc.lt.d 6, $f2, $f4\nc.eq.s $f5, $f5\nDUMP_PROCESSOR_STATE");
	CHECK(vm && strstr(tp->out, ")\nfcc      = 1 0 0 0 0 0 1 0 (flags 0-7)\n$f0      = ") &&
	      strstr(tp->out, "\n$f2      = 0x9999999a (-1.58818684e-23) $f2:$f3 double -0.10000000000000001\n"
			      "$f3      = 0xbfb99999 (-1.44999993)\n") &&
	      strstr(tp->out, "\n$f4      = 0x00000000 (0)               $f4:$f5 double 1.4044470919183048e+306\n"
			      "$f5      = 0x7f7fffff (3.40282347e+38)\n") &&
	      strstr(tp->out, "\n$f31     = 0x00000000 (0)\ninstructions = "),
	      "DUMP_PROCESSOR_STATE: condition flags, then each FP register as a single, an even one with its pair's double:\n%s",
	      tp->out);
	mips_vm_free(vm);
	vm = run("SNAPSHOT snap.bin\nMIGRATE example.org:7000\nli $t1, 9");
	CHECK(vm && mips_vm_state(vm) == MIPS_VM_EXITED && mips_vm_reg(vm, 9) == 9 && tp->migrations == 1,
	      "SNAPSHOT and an unavailable MIGRATE let the VM continue");
	CHECK(tp_find(tp, "snap.bin", false) != NULL, "SNAPSHOT wrote through the port's storage");
	mips_vm_free(vm);
	char msg[MIPS_MSG_MAX];
	vm = mips_vm_new(&tp->port, "r", 0);
	CHECK(mips_snapshot_load_named(vm, "snap.bin", NULL, msg), "the stored snapshot loads by name (%s)", msg);
	tp_run(vm);
	CHECK(mips_vm_state(vm) == MIPS_VM_EXITED && mips_vm_reg(vm, 9) == 9 && tp->migrations == 2,
	      "and resumes after SNAPSHOT (MIGRATE runs again)");
	mips_vm_free(vm);
	vm = mips_vm_new(&tp->port, "r", 0);
	CHECK(!mips_snapshot_load_named(vm, "absent", NULL, msg) && strstr(msg, "absent: not found"), "%s", msg);
	mips_vm_free(vm);
}

int main(void)
{
	tp = tp_new();
	test_alu();
	test_muldiv();
	test_memory();
	test_control();
	test_faults();
	test_spim_exceptions();
	test_syscalls();
	test_para();
	tp_free(tp);
	return check_summary();
}
