# mig_float.s: for test_migrate.sh: asks to move to @TARGET@, then runs a long float computation
# with nothing printed until its end, so the transfer's final pause falls in the middle of it: the
# sum, the flags and the final DUMP_PROCESSOR_STATE show whether the FPU state moved intact.
	.data
nl:	.asciiz "\n"
	.text
main:	li.d $f2, 1.0			# term
	li.d $f4, 1.0000001		# ratio
	li.d $f6, 0.0			# sum
	li.s $f8, 0.0			# single sum of the terms
	li $t0, 1000000
	MIGRATE @TARGET@
loop:	mul.d $f2, $f2, $f4
	add.d $f6, $f6, $f2
	cvt.s.d $f10, $f2
	add.s $f8, $f8, $f10
	c.lt.d 4, $f6, $f2		# flag 4: never
	c.le.s 5, $f10, $f8		# flag 5: always
	addiu $t0, $t0, -1
	bnez $t0, loop
	mov.d $f12, $f6
	li $v0, 3
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	mov.s $f12, $f8
	li $v0, 2
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	DUMP_PROCESSOR_STATE
	li $v0, 10
	syscall
