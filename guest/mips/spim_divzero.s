# spim_divzero.s: division by a zero register. The div/divu/rem/remu pseudo-instructions check the
# divisor and break (SPIM's handler: Exception 9 [Breakpoint], then on with hi and lo unchanged);
# the real two-operand div/divu do not check, and leave hi and lo as they were.
	.data
nl:	.asciiz "\n"
	.text
main:	li $t1, 7
	li $t2, 0
	li $t3, -3
	mtlo $t3
	mthi $t1
	div $t0, $t1, $t2
	jal pr
	rem $t0, $t1, $t2
	jal pr
	divu $t0, $t3, $t2
	jal pr
	remu $t0, $t3, $t2
	jal pr
	div $t1, $t2
	mflo $t0
	jal pr
	divu $t1, $t2
	mfhi $t0
	jal pr
	div $t0, $t3, $t1		# and a divisor that is not zero
	jal pr
	rem $t0, $t3, $t1
	jal pr
	divu $t0, $t3, 2
	jal pr
	li $v0, 10
	syscall
pr:	move $a0, $t0
	li $v0, 1
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	jr $ra
