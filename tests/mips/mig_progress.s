# mig_progress.s: for test_migrate.sh: 20 lines "N V", V the value of an LCG after 600000 more
# steps in registers, each line printed by one print_string (a move never splits one); after line
# 4 it asks to move to @TARGET@ and carries on wherever it then runs. Between two lines it writes
# no memory, so a transfer that ends within one line always sends the same pages.
	.data
line:	.space 48
	.text
main:	li $s0, 0			# line number
	li $s1, 1			# value
step:	li $t0, 600000
work:	mul $s1, $s1, 1103515245
	addiu $s1, $s1, 12345
	addiu $t0, $t0, -1
	bnez $t0, work
	la $a0, line
	move $a1, $s0
	jal utoa
	li $t0, 32
	sb $t0, 0($v0)
	addiu $a0, $v0, 1
	move $a1, $s1
	jal utoa
	li $t0, 10
	sb $t0, 0($v0)
	sb $zero, 1($v0)
	la $a0, line
	li $v0, 4
	syscall
	bne $s0, 4, next
	MIGRATE @TARGET@
next:	addiu $s0, $s0, 1
	blt $s0, 20, step
	DUMP_PROCESSOR_STATE
	li $v0, 10
	syscall

# utoa(a0 dest, a1 unsigned value): its decimal digits at dest; v0 = dest past them. A leaf: no stack.
utoa:	li $t2, 10
	move $t1, $a1
	move $v0, $a0
ut_len:	addiu $v0, $v0, 1
	divu $t1, $t2
	mflo $t1
	bnez $t1, ut_len
	move $t3, $v0
ut_dig:	divu $a1, $t2
	mfhi $t4
	mflo $a1
	addiu $t4, $t4, 48
	addiu $t3, $t3, -1
	sb $t4, 0($t3)
	bne $t3, $a0, ut_dig
	jr $ra
