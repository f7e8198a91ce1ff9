# spim_sbrk.s: sbrk moves the data segment's end (spim's first answer 0x10020000, each request
# rounded up to a word); the memory it gives is zeroed and usable, the word past it is not; a
# negative request ends the program with spim's "Can't expand data segment" message.
	.data
nl:	.asciiz "\n"
	.text
main:	li $a0, 0
	jal sbrk
	li $a0, 16
	jal sbrk
	move $s0, $v0
	li $a0, 5
	jal sbrk
	li $a0, 0
	jal sbrk
	li $t1, 99			# the new memory holds what is stored
	sw $t1, 12($s0)
	lw $a0, 12($s0)
	jal show
	lw $a0, 20($s0)			# zeroed
	jal show
	lw $a0, 24($s0)			# past the break
	jal show
	li $a0, 65536
	jal sbrk
	li $a0, 0
	jal sbrk
	li $t0, 0x10030014		# the last word inside now
	sw $t1, 0($t0)
	lw $a0, 0($t0)
	jal show
	li $a0, -4
	jal sbrk
	li $a0, 1			# not reached
	jal show
	li $v0, 10
	syscall

sbrk:	li $v0, 9			# prints the old break and returns it
	syscall
	move $a0, $v0
show:	move $t9, $a0
	li $v0, 1
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	move $v0, $t9
	jr $ra
