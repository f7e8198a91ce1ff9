# spim_segments.s: SPIM's memory segments at their edges: text (spim's 64 KiB), data up to the
# break (sbrk moves it), the stack (grown on touch), kernel data. Outside them a load or store is
# spim's exception 7 and goes on; a load that raised an exception leaves 0 in its register.
	.data
nl:	.asciiz "\n"
	.text
main:	li $a0, 0x00000000
	jal load
	li $a0, 0x003ffffc		# just below the text
	jal load
	li $a0, 0x0040fffc		# text past the program: no instruction there reads 0
	jal load
	li $a0, 0x0040fff8
	jal store
	li $a0, 0x00410000		# past spim's text segment
	jal store
	li $a0, 0x0ffffffc
	jal load
	li $a0, 0x1000fff0		# small data (.extern's)
	jal store
	li $a0, 0x1001fffc
	jal store
	li $a0, 0x10020000		# the first break
	jal store
	li $a0, 6			# sbrk rounds to a word: the break moves 8
	li $v0, 9
	syscall
	move $s0, $v0
	addiu $a0, $s0, 4
	jal store
	addiu $a0, $s0, 8
	jal store
	li $a0, 0x20000000
	jal store
	li $a0, 0x6ffffffc
	jal load
	li $a0, 0x7eff0000		# 16 MiB below the stack: too far to grow it
	jal load
	li $a0, 0x7ffeffff		# just below the stack: it grows, the load reads 0
	jal loadb
	li $a0, 0x7ffefffc
	jal store
	li $a0, 0x7ffffffc
	jal store
	li $a0, 0x80000000		# kernel text
	jal load
	li $a0, 0x80000180
	jal load
	li $a0, 0x9000fff0		# kernel data
	jal store
	li $a0, 0x90010000
	jal load
	li $a0, 0xfffe0000
	jal load
	li $t0, 0x10010000		# unaligned: the load's register gets 0 too
	li $t1, 7
	lw $t1, 1($t0)
	jal show
	li $t1, 7
	lh $t1, 3($t0)
	jal show
	li $t1, 7
	lhu $t1, 1($t0)
	jal show
	sw $t1, 2($t0)
	sh $t1, 1($t0)
	li $t0, 0x20000001		# lwl/lwr/swl/swr on a bad word
	li $t1, 7
	lwl $t1, 0($t0)
	jal show
	li $t1, 7
	lwr $t1, 2($t0)
	jal show
	swl $t1, 0($t0)
	swr $t1, 0($t0)
	li $t0, 0x20000000		# floating-point loads and stores
	li $t1, 0x3f800000
	mtc1 $t1, $f12
	lwc1 $f12, 0($t0)
	li $v0, 2
	syscall
	jal newline
	swc1 $f12, 4($t0)
	li $t1, 0x12345678
	addiu $t0, $s0, 4		# ldc1 across the break: its first word loads, the second is 0
	sw $t1, 0($t0)
	mtc1 $t1, $f5
	ldc1 $f4, 0($t0)
	mfc1 $t1, $f4
	jal show
	mfc1 $t1, $f5
	jal show
	li $t0, 0x10010004		# spim's ldc1 and sdc1 ask word alignment only
	sdc1 $f4, 0($t0)
	ldc1 $f6, 0($t0)
	mfc1 $t1, $f6
	jal show
	ldc1 $f6, 2($t0)		# each word unaligned: one exception, for the second
	sdc1 $f6, 2($t0)
	mfc1 $t1, $f7
	jal show
	li $v0, 10
	syscall

load:	li $t1, 7
	lw $t1, 0($a0)
	j show
loadb:	li $t1, 7
	lb $t1, 0($a0)
	j show
store:	li $t1, 0x5a5a
	sw $t1, 0($a0)
	li $t1, 7
	lw $t1, 0($a0)
show:	move $a0, $t1
	li $v0, 1
	syscall
newline:
	la $a0, nl
	li $v0, 4
	syscall
	jr $ra
