# spim_convert.s: the .w conversions as spim 8.0 computes them: cvt.w is C's cast (truncation),
# round.w truncates the value plus 0.5 (halves go up, -1.2 gives 0), NaN and out-of-range values
# give x86's -2147483648; and div of -2^31 by -1 leaves hi and lo as they were.
	.data
vals:	.double 2.5, -2.5, 1.5, -1.5, 0.5, -0.5, -1.2, 2.7, -2.7, 0.49999999999999994
	.double 1.0e40, -1.0e40, 2147483647.5, 2147483648.0, -2147483648.5, -2147483649.0
	.double 2147483646.5, 0.0
nan:	.word 0x7fc00000
nl:	.asciiz "\n"
	.text
main:	la $s0, vals
	li $s1, 18
value:	l.d $f2, 0($s0)			# each value as a double, and as a single in $f6
	cvt.s.d $f6, $f2
	cvt.w.s $f4, $f6
	jal show
	cvt.w.d $f4, $f2
	jal show
	round.w.s $f4, $f6
	jal show
	round.w.d $f4, $f2
	jal show
	trunc.w.s $f4, $f6
	jal show
	trunc.w.d $f4, $f2
	jal show
	ceil.w.s $f4, $f6
	jal show
	ceil.w.d $f4, $f2
	jal show
	floor.w.s $f4, $f6
	jal show
	floor.w.d $f4, $f2
	jal show
	la $a0, nl
	li $v0, 4
	syscall
	addiu $s0, $s0, 8
	addiu $s1, $s1, -1
	bnez $s1, value
	lwc1 $f6, nan
	cvt.w.s $f4, $f6
	jal show
	round.w.s $f4, $f6
	jal show
	li $t0, 77			# -2^31 / -1
	mtlo $t0
	mthi $t0
	li $t0, 0x80000000
	li $t1, -1
	div $t0, $t1
	mflo $a0
	li $v0, 1
	syscall
	mfhi $a0
	li $v0, 1
	syscall
	li $v0, 10
	syscall

show:	mfc1 $a0, $f4			# prints $f4 as an integer and a blank
	li $v0, 1
	syscall
	li $a0, 32
	li $v0, 11
	syscall
	jr $ra
