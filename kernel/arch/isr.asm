; isr.asm: the 32 exception entry stubs; each builds a struct trap_frame (kernel/arch/panic.h)
; and calls trap_handler(frame).

bits 64
section .text
extern trap_handler

; Vectors that push an error code: Intel SDM Vol. 3A, 6.15.
%macro ISR_NOERR 1
isr%1:
	push 0
	push %1
	jmp isr_common
%endmacro
%macro ISR_ERR 1
isr%1:
	push %1
	jmp isr_common
%endmacro

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	cld
	call trap_handler
	; trap_handler returns only for handled traps.
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16
	iretq

; The idle loop's APIC timer (kernel/arch/idle.c): it only has to wake hlt; acknowledge and return.
extern apic_eoi
global idle_timer_isr
idle_timer_isr:
	push rax
	mov rax, [rel apic_eoi]
	test rax, rax
	jz .x2apic
	mov dword [rax], 0
	pop rax
	iretq
.x2apic:			; x2APIC mode: EOI is a WRMSR of 0 to MSR 0x80b (SDM Vol. 3A, 11.12.1)
	push rcx
	push rdx
	mov ecx, 0x80b
	xor eax, eax
	xor edx, edx
	wrmsr
	pop rdx
	pop rcx
	pop rax
	iretq

; A spurious APIC interrupt takes no EOI (Intel SDM Vol. 3A, 11.9).
global spurious_isr
spurious_isr:
	iretq

section .rodata
global isr_table
isr_table:
%assign i 0
%rep 32
	dq isr %+ i
%assign i i + 1
%endrep
