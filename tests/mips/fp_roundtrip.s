# fp_roundtrip.s: Newton's square root of 2 in double and single, the condition flags set as it
# goes, each step printed; ends with DUMP_PROCESSOR_STATE (FP registers and flags) for snapshot
# and migration round trips taken in the middle of the computation.
	.data
nl:	.asciiz "\n"
	.text
main:	li.d $f2, 2.0			# x
	li.d $f4, 1.0			# guess
	li.d $f6, 0.5
	li.s $f20, 2.0
	li.s $f21, 1.0
	li.s $f22, 0.5
	li $s0, 0
step:	div.d $f8, $f2, $f4		# guess = (guess + x / guess) / 2
	add.d $f8, $f8, $f4
	mul.d $f4, $f8, $f6
	div.s $f23, $f20, $f21
	add.s $f23, $f23, $f21
	mul.s $f21, $f23, $f22
	mul.d $f10, $f4, $f4
	c.lt.d 1, $f10, $f2		# flag 1: guess^2 < 2
	c.eq.s 2, $f21, $f23		# flag 2: never
	cvt.d.s $f12, $f21
	sub.d $f12, $f4, $f12
	li $v0, 3
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	addi $s0, $s0, 1
	blt $s0, 6, step
	trunc.w.d $f14, $f10
	cvt.s.d $f16, $f4
	DUMP_PROCESSOR_STATE
	li $v0, 10
	syscall
