# ticker.s: the make run-pair demo: 300 ticks of busy work, one line each, for watching a VM move
# (`migrate ticker 10.0.3.1` on B's console). Ends with its processor state.
	.data
tick:	.asciiz "tick "
of:	.asciiz " of 300, checksum "
nl:	.asciiz "\n"
	.text
main:	li $s0, 1		# tick
	li $s1, 7		# checksum
next:	li $t0, 3000000
work:	mul $s1, $s1, 69069
	addiu $s1, $s1, 1
	addiu $t0, $t0, -1
	bnez $t0, work
	li $v0, 4
	la $a0, tick
	syscall
	li $v0, 1
	move $a0, $s0
	syscall
	li $v0, 4
	la $a0, of
	syscall
	li $v0, 1
	move $a0, $s1
	syscall
	li $v0, 4
	la $a0, nl
	syscall
	addiu $s0, $s0, 1
	ble $s0, 300, next
	DUMP_PROCESSOR_STATE
	jr $ra
