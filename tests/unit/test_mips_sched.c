/* test_mips_sched.c: the round-robin scheduler switches after exactly N instructions; blocking and exits. */
#include "tests/check.h"
#include "tests/mips/testport.h"

static struct testport *tp;

/* Prints its letter with every syscall: instructions 3, 5, 7, ... of the VM each print one. */
static const char *printer(char c, char *buf)
{
	sprintf(buf, "li $v0, 11\nli $a0, %d\nloop: syscall\nb loop", c);
	return buf;
}

static size_t prints_in(uint64_t from, uint64_t to)	/* syscalls among instructions from+1..to */
{
	size_t n = 0;
	for (uint64_t i = from + 1; i <= to; i++)
		n += i >= 3 && i % 2 == 1;
	return n;
}

static void test_exact_slices(uint64_t slice)
{
	char b1[128], b2[128], b3[128], want[TP_OUT_MAX] = "";
	struct mips_vm *vms[3] = { tp_vm(tp, printer('A', b1)), tp_vm(tp, printer('B', b2)), tp_vm(tp, printer('C', b3)) };
	struct mips_sched s = { vms, 3, slice };
	bool exact = true;

	tp_reset_output(tp);
	for (int round = 0; round < 20; round++) {
		for (int v = 0; v < 3; v++) {
			uint64_t c = (uint64_t)round * slice;
			size_t n = prints_in(c, c + slice), len = strlen(want);
			memset(want + len, 'A' + v, n);
			want[len + n] = 0;
		}
		mips_sched_round(&s);
		for (int v = 0; v < 3; v++)
			exact = exact && mips_vm_icount(vms[v]) == (uint64_t)(round + 1) * slice;
	}
	CHECK(exact, "slice %llu: each VM ran exactly slice instructions per round", (unsigned long long)slice);
	CHECK(!strcmp(tp->out, want), "slice %llu: output interleaves exactly at slice boundaries", (unsigned long long)slice);
	for (int v = 0; v < 3; v++)
		mips_vm_free(vms[v]);
}

static void test_block_and_exit(void)
{
	struct mips_vm *vms[2] = { tp_vm(tp, "li $v0, 12\nsyscall\nmove $t0, $v0\nli $t1, 1"),
				   tp_vm(tp, "li $t0, 0\nl: addi $t0, $t0, 1\nblt $t0, 10, l") };
	struct mips_sched s = { vms, 2, 4 };

	tp->input = "\1x", tp->in_pos = 0;
	size_t live = mips_sched_round(&s);
	CHECK(mips_vm_state(vms[0]) == MIPS_VM_BLOCKED && mips_vm_icount(vms[0]) == 1,
	      "a read with no input ready blocks; the syscall does not count (%llu)",
	      (unsigned long long)mips_vm_icount(vms[0]));
	CHECK(live == 2 && mips_vm_icount(vms[1]) == 4, "the other VM still gets its slice");
	mips_sched_round(&s);
	CHECK(mips_vm_reg(vms[0], 8) == 'x' && mips_vm_icount(vms[0]) == 5,
	      "the blocked read is retried on the next turn (%u, %llu)", mips_vm_reg(vms[0], 8),
	      (unsigned long long)mips_vm_icount(vms[0]));
	mips_sched_run(&s);
	CHECK(mips_vm_state(vms[0]) == MIPS_VM_EXITED && mips_vm_state(vms[1]) == MIPS_VM_EXITED,
	      "mips_sched_run ends when every VM has ended");
	CHECK(mips_vm_icount(vms[1]) == 1 + 40 + 2 && mips_vm_icount(vms[0]) == 4 + 2,
	      "VMs that end mid-slice stop early (%llu, %llu)", (unsigned long long)mips_vm_icount(vms[1]),
	      (unsigned long long)mips_vm_icount(vms[0]));
	CHECK(mips_sched_round(&s) == 0, "no live VMs left");
	tp->input = NULL;
	mips_vm_free(vms[0]);
	mips_vm_free(vms[1]);
}

static void test_fault_isolated(void)
{
	struct mips_vm *vms[2] = { tp_vm(tp, "li $t0, 0x7fffffff\naddi $t0, $t0, 1"),
				   tp_vm(tp, "li $t0, 0\nl: addi $t0, $t0, 1\nblt $t0, 100, l") };
	struct mips_sched s = { vms, 2, 3 };

	mips_sched_run(&s);
	CHECK(mips_vm_state(vms[0]) == MIPS_VM_FAULTED && mips_vm_state(vms[1]) == MIPS_VM_EXITED &&
	      mips_vm_reg(vms[1], 8) == 100, "a faulting VM stops; the other runs to its end");
	mips_vm_free(vms[0]);
	mips_vm_free(vms[1]);
}

int main(void)
{
	tp = tp_new();
	test_exact_slices(1);
	test_exact_slices(5);
	test_exact_slices(64);
	test_block_and_exit();
	test_fault_isolated();
	tp_free(tp);
	return check_summary();
}
