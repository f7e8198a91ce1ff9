# heap.s: sbrk allocations (SPIM's first break), a linked list built on the heap and summed.
	.text
main:	li $s0, 0		# list head
	li $s1, 1
build:	li $v0, 9
	li $a0, 8
	syscall
	sw $s1, 0($v0)
	sw $s0, 4($v0)
	move $s0, $v0
	addi $s1, $s1, 1
	ble $s1, 100, build
	li $s2, 0
sum:	beqz $s0, done
	lw $t0, 0($s0)
	add $s2, $s2, $t0
	lw $s0, 4($s0)
	b sum
done:	move $a0, $s2
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	li $v0, 9
	li $a0, 5		# rounded up to a word
	syscall
	move $s3, $v0
	li $v0, 9
	li $a0, 0
	syscall
	sub $a0, $v0, $s3
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	jr $ra
