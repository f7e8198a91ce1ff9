# spim_bounds.s: a syscall's buffer outside the segments (here print_string's) ends the program
# with spim's "Memory address out of bounds"; the stack does not grow for a syscall.
	.data
msg:	.asciiz "in bounds\n"
	.text
main:	la $a0, msg
	li $v0, 4
	syscall
	li $t0, 0x7ffefff0		# below the stack, where a load would grow it
	lw $t1, 0($t0)
	la $a0, msg
	li $v0, 4
	syscall
	li $a0, 0x7ff00000		# print_string there is out of bounds
	li $v0, 4
	syscall
	la $a0, msg			# not reached
	li $v0, 4
	syscall
