# fpu.s: single and double arithmetic, conversions, compares and SPIM's float/double print formats.
	.data
fv:	.float 1.5, -0.0, 3.4e38, 1.0e-40, 0.1, 16777217.0, 0.3333333333, 2.5, 0.005, 1.0e-8, 0.000000015
	.float 1.0000000596046447753906251	# twice rounded (to double, then single): 1.0
dv:	.double 3.0, 0.1, 1.0e18, 1.0e-5, 123456789012345678.0, 1.0e308, 4.9e-324, -2.5, 0.0001
nl:	.asciiz "\n"
sp:	.asciiz " "
	.text
main:
	la $t0, fv
	li $t1, 12
l1:	l.s $f12, 0($t0)
	li $v0, 2
	syscall
	jal newline
	addi $t0, $t0, 4
	addi $t1, $t1, -1
	bnez $t1, l1
	la $t0, dv
	li $t1, 9
l2:	l.d $f12, 0($t0)
	li $v0, 3
	syscall
	jal newline
	addi $t0, $t0, 8
	addi $t1, $t1, -1
	bnez $t1, l2
	# arithmetic
	l.d $f2, dv+8          # 0.1
	l.d $f4, dv            # 3.0
	add.d $f12, $f2, $f4
	jal pd
	mul.d $f12, $f2, $f4
	jal pd
	div.d $f12, $f2, $f4
	jal pd
	sub.d $f12, $f2, $f4
	jal pd
	sqrt.d $f12, $f4
	jal pd
	neg.d $f12, $f4
	jal pd
	div.d $f6, $f4, $f4
	sub.d $f6, $f6, $f6
	div.d $f12, $f4, $f6   # 3/0 = inf
	jal pd
	neg.d $f12, $f12
	jal pd
	div.d $f12, $f6, $f6   # 0/0 = nan
	jal pd
	l.s $f2, fv+16         # 0.1f
	l.s $f4, fv            # 1.5f
	add.s $f12, $f2, $f4
	jal ps
	div.s $f12, $f2, $f4
	jal ps
	sqrt.s $f12, $f4
	jal ps
	cvt.d.s $f12, $f2
	jal pd
	cvt.s.d $f12, $f12
	jal ps
	li $t2, -7
	mtc1 $t2, $f8
	cvt.d.w $f12, $f8
	jal pd
	cvt.s.w $f12, $f8
	jal ps
	l.d $f10, dv+56        # -2.5
	round.w.d $f8, $f10
	mfc1 $a0, $f8
	jal pi
	trunc.w.d $f8, $f10
	mfc1 $a0, $f8
	jal pi
	floor.w.d $f8, $f10
	mfc1 $a0, $f8
	jal pi
	ceil.w.d $f8, $f10
	mfc1 $a0, $f8
	jal pi
	cvt.w.d $f8, $f10
	mfc1 $a0, $f8
	jal pi
	# compares and branches
	c.lt.d $f10, $f4
	bc1t yes1
	li $a0, 0
	j n1
yes1:	li $a0, 1
n1:	jal pi
	c.eq.s 3, $f2, $f4
	bc1f 3, yes2
	li $a0, 0
	j n2
yes2:	li $a0, 2
n2:	jal pi
	li $v0, 10
	syscall
pd:	li $v0, 3
	syscall
	j newline
ps:	li $v0, 2
	syscall
	j newline
pi:	li $v0, 1
	syscall
newline:
	la $a0, nl
	li $v0, 4
	syscall
	jr $ra
