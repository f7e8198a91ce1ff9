# spim_exceptions.s: SPIM's default handler reports each exception and goes on after the
# instruction; running off the end of the text ends the program with SPIM's message.
	.data
nl:	.asciiz "\n"
	.text
main:	li $t1, 7
	lw $t1, 0($zero)		# bad data address: $t1 keeps 7
	move $a0, $t1
	li $v0, 1
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	sw $t1, 2($gp)			# unaligned store
	lh $t1, 1($gp)			# unaligned load
	li $t2, 0x7fffffff
	addi $t2, $t2, 1		# overflow: $t2 unchanged
	move $a0, $t2
	li $v0, 1
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	teq $zero, $zero		# trap
	tnei $zero, 3
	break 5				# breakpoint
	li $a0, 42
	li $v0, 1
	syscall
