# mig_writer.s: for tests/mips/test_migrate.sh and tests/boot/migrate_qemu.sh: touches 1 MiB,
# then keeps rewriting 32 of its pages per step while it runs; at step 300, after its first line,
# it asks to move to @TARGET@. Prints a checksum of the whole array every 200 steps, each line by
# one syscall, and the processor state at the end. Long enough (90 M instructions) to outlast a
# TCG transfer.
	.data
line:	.space 32
	.align 2
arr:	.space 1048576
	.text
main:	la $s2, arr
	li $t0, 0		# touch every page
touch:	addu $t1, $s2, $t0
	sw $t0, 0($t1)
	addiu $t0, $t0, 4096
	blt $t0, 1048576, touch
	li $s0, 0		# step
step:	li $t0, 0		# rewrite 32 pages, 7 pages apart, starting where the step says
	mul $t5, $s0, 4096
pages:	addu $t5, $t5, 28672
	and $t5, $t5, 1048575
	addu $t1, $s2, $t5
	li $t2, 0
words:	addu $t3, $t1, $t2	# 16 words in each page
	lw $t4, 0($t3)
	addu $t4, $t4, $s0
	xor $t4, $t4, $t2
	sw $t4, 0($t3)
	addiu $t2, $t2, 256
	blt $t2, 4096, words
	addiu $t0, $t0, 1
	blt $t0, 32, pages
	li $t0, 20000		# a little arithmetic between steps
spin:	addiu $t0, $t0, -1
	bnez $t0, spin
	bne $s0, 300, no_move
	MIGRATE @TARGET@
no_move: addiu $s0, $s0, 1
	li $t0, 200
	divu $s0, $t0
	mfhi $t0
	bnez $t0, no_print
	jal print_sum
no_print: blt $s0, 4000, step
	DUMP_PROCESSOR_STATE
	li $v0, 10
	syscall

# print_sum: "sum <checksum of the array>\n" with one print_string.
print_sum:
	addiu $sp, $sp, -4
	sw $ra, 0($sp)
	li $a1, 0
	li $t0, 0
sum:	addu $t1, $s2, $t0
	lw $t2, 0($t1)
	addu $a1, $a1, $t2
	sll $a1, $a1, 1
	addiu $t0, $t0, 256
	blt $t0, 1048576, sum
	la $a0, line
	li $t1, 115		# "sum "
	sb $t1, 0($a0)
	li $t1, 117
	sb $t1, 1($a0)
	li $t1, 109
	sb $t1, 2($a0)
	li $t1, 32
	sb $t1, 3($a0)
	addiu $a0, $a0, 4
	jal utoa
	li $t0, 10
	sb $t0, 0($v0)
	sb $zero, 1($v0)
	la $a0, line
	li $v0, 4
	syscall
	lw $ra, 0($sp)
	addiu $sp, $sp, 4
	jr $ra

# utoa(a0 dest, a1 unsigned value): decimal digits; v0 = dest past them.
utoa:	addiu $sp, $sp, -16
	li $t1, 10
	li $t2, 0
ut_div:	divu $a1, $t1
	mfhi $t3
	mflo $a1
	addiu $t3, $t3, 48
	addu $t4, $sp, $t2
	sb $t3, 0($t4)
	addiu $t2, $t2, 1
	bnez $a1, ut_div
ut_out:	addiu $t2, $t2, -1
	addu $t4, $sp, $t2
	lb $t3, 0($t4)
	sb $t3, 0($a0)
	addiu $a0, $a0, 1
	bnez $t2, ut_out
	move $v0, $a0
	addiu $sp, $sp, 16
	jr $ra
