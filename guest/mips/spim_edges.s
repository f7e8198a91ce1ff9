# spim_edges.s: memory edges through SPIM's pseudo-instructions and syscalls: ulw/ulh/usw/ush (lwl/lwr
# pairs and byte stores) on a bad address raise one exception per access; .extern's variables live
# in the small data segment; print_string stops where the data segment does.
	.data
	.extern ev 8
s:	.asciiz "abc"
	.text
main:	li $t0, 0x20000001		# unaligned pseudo-instructions on a bad address
	li $t1, 7
	ulw $t1, 0($t0)
	move $a0, $t1
	li $v0, 1
	syscall
	li $t1, 7
	ulh $t1, 0($t0)
	move $a0, $t1
	li $v0, 1
	syscall
	usw $t1, 0($t0)
	ush $t1, 0($t0)
	li $t2, 5
	sw $t2, ev
	lw $a0, ev
	li $v0, 1
	syscall
	lw $a0, 4($gp)
	li $v0, 1
	syscall
	li $t0, 0x10020000		# a string that runs into the break
	li $t1, 0x41424344
	li $a0, 4
	li $v0, 9
	syscall
	sw $t1, -4($t0)
	sw $t1, 0($t0)
	addiu $a0, $t0, -4
	li $v0, 4
	syscall
	li $v0, 10
	syscall
