# mig_writer.s: for test_migrate.sh: keeps rewriting a 1 MiB array (one word in every 64 bytes, 8
# passes per line) and prints "N S", S the running sum of what it wrote, by one print_string per
# line; after line 2 it asks to move to @TARGET@ and goes on writing wherever it then runs, so
# pages are dirtied while they go. Every value depends on the array's past contents: a page that
# arrived stale changes every later sum.
	.data
line:	.space 48
arr:	.space 1048576
	.text
main:	li $s0, 0			# line number
	li $s1, 0			# running sum
	li $s3, 0			# passes so far
step:	li $s4, 8			# passes per line
pass:	la $t0, arr
	li $t1, 16384			# words per pass
write:	lw $t2, 0($t0)
	addu $t2, $t2, $s3
	addu $t2, $t2, $t1
	sw $t2, 0($t0)
	addu $s1, $s1, $t2
	addiu $t0, $t0, 64
	addiu $t1, $t1, -1
	bnez $t1, write
	addiu $s3, $s3, 1
	addiu $s4, $s4, -1
	bnez $s4, pass
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
	bne $s0, 2, next
	MIGRATE @TARGET@
next:	addiu $s0, $s0, 1
	blt $s0, 40, step
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
