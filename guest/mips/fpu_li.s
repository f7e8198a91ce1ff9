# fpu_li.s: li.s and li.d constants, and the edges of SPIM's print formats: signed zeros, the
# largest and smallest values, overflow to infinity, NaNs of either sign, rounding at the last digit.
	.data
nl:	.asciiz "\n"
	.text
main:
	li.s $f12, 1.5
	jal ps
	li.s $f12, -0.0
	jal ps
	li.s $f12, 0.1
	jal ps
	li.s $f12, 3.4028234e38
	jal ps
	li.s $f12, -3.4028236e38	# rounds up past the largest single: -inf
	jal ps
	li.s $f12, 1.0e40
	jal ps
	li.s $f12, 1.0e-46
	jal ps
	li.s $f12, 1.4e-45
	jal ps
	li.s $f12, 0.123456785
	jal ps
	li.s $f12, 0.000000005
	jal ps
	li.s $f12, 0.000000015
	jal ps
	li.s $f12, 1.999999995
	jal ps
	li.s $f12, -99999999.99
	jal ps
	li.s $f12, 16777217.0
	jal ps
	li.s $f12, 2.e3
	jal ps
	li.s $f12, 1.0000000596046447753906251	# twice rounded: 1.0
	jal ps
	li.s $f2, 0.0
	div.s $f12, $f2, $f2		# default NaN, sign set (x86)
	jal ps
	neg.s $f12, $f12
	jal ps
	li.s $f4, -1.0
	sqrt.s $f12, $f4
	jal ps
	li.s $f4, 1.0e39
	sub.s $f12, $f4, $f4		# inf - inf
	jal ps
	li.d $f12, -0.0
	jal pd
	li.d $f12, 0.0
	jal pd
	li.d $f12, 1.7976931348623157e308
	jal pd
	li.d $f12, -1.7976931348623159e308
	jal pd
	li.d $f12, 4.9e-324
	jal pd
	li.d $f12, 2.4e-324
	jal pd
	li.d $f12, 2.2250738585072014e-308
	jal pd
	li.d $f12, 1.0e-5
	jal pd
	li.d $f12, 0.0001
	jal pd
	li.d $f12, 1.0e17
	jal pd
	li.d $f12, 1.0e18
	jal pd
	li.d $f12, 123456789012345678.0
	jal pd
	li.d $f12, 1.0e23
	jal pd
	li.d $f12, 0.30000000000000004
	jal pd
	li.d $f12, 9.5e-1
	jal pd
	li.d $f2, 0.1
	li.d $f4, 0.2
	add.d $f12, $f2, $f4
	jal pd
	li.d $f2, 0.0
	div.d $f12, $f2, $f2
	jal pd
	neg.d $f12, $f12
	jal pd
	li.d $f6, 1.0e308
	mul.d $f12, $f6, $f6
	jal pd
	sub.d $f12, $f12, $f12
	jal pd
	cvt.s.d $f12, $f6		# a double too big for a single
	jal ps
	li.d $f6, 1.0e-310
	jal pd6
	li $v0, 10
	syscall
pd6:	mov.d $f12, $f6
pd:	li $v0, 3
	syscall
	j newline
ps:	li $v0, 2
	syscall
newline:
	la $a0, nl
	li $v0, 4
	syscall
	jr $ra
