# sieve.s: sieve of Eratosthenes over bytes; prints the primes below 200 and their count.
	.data
flags:	.space 200
count:	.word 0
msg:	.asciiz "\nprimes: "
	.text
main:	li $s0, 2			# candidate
outer:	bge $s0, 200, done
	lb $t0, flags($s0)
	bnez $t0, next
	move $a0, $s0
	li $v0, 1
	syscall
	li $a0, ' '
	li $v0, 11
	syscall
	lw $t1, count
	addi $t1, $t1, 1
	sw $t1, count
	mul $t2, $s0, $s0
mark:	bge $t2, 200, next
	li $t3, 1
	sb $t3, flags($t2)
	add $t2, $t2, $s0
	b mark
next:	addi $s0, $s0, 1
	j outer
done:	li $v0, 4
	la $a0, msg
	syscall
	li $v0, 1
	lw $a0, count
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	li $v0, 10
	syscall
