; entry.asm: VM entry (VMLAUNCH/VMRESUME) and the VM-exit stub that saves the guest's registers.
; Timestamps: rdtsc is the first thing on the exit path and the last thing before the entry
; (only the loads of the guest registers it clobbers come after it).

bits 64
default rel

; struct guest_regs offsets; vmx/vcpu.h _Static_asserts the same numbers.
%define REGS_GPR        0
%define REGS_EXIT_TSC   128
%define REGS_ENTRY_TSC  136
%define REGS_KERNEL_RSP 144
%define REGS_LAUNCHED   152
; GPR slots in the SDM Vol. 3C Table 28-3 numbering
%define RAX_ 0*8
%define RCX_ 1*8
%define RDX_ 2*8
%define RBX_ 3*8
%define RBP_ 5*8
%define RSI_ 6*8
%define RDI_ 7*8
%define R8_  8*8
%define R9_  9*8
%define R10_ 10*8
%define R11_ 11*8
%define R12_ 12*8
%define R13_ 13*8
%define R14_ 14*8
%define R15_ 15*8

section .text

; int vmx_enter(struct guest_regs *regs)   (rdi = regs)
; The host stack (VMCS host RSP) holds a pointer to regs at its top: see setup_host_stack() in
; vmx/vmcs_setup.c.
global vmx_enter
vmx_enter:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rdi                        ; regs, for the VMfail path
	mov [rdi + REGS_KERNEL_RSP], rsp
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [rdi + REGS_ENTRY_TSC], rax
	mov rax, [rdi + RAX_]
	mov rcx, [rdi + RCX_]
	mov rdx, [rdi + RDX_]
	mov rbx, [rdi + RBX_]
	mov rbp, [rdi + RBP_]
	mov rsi, [rdi + RSI_]
	mov r8,  [rdi + R8_]
	mov r9,  [rdi + R9_]
	mov r10, [rdi + R10_]
	mov r11, [rdi + R11_]
	mov r12, [rdi + R12_]
	mov r13, [rdi + R13_]
	mov r14, [rdi + R14_]
	mov r15, [rdi + R15_]
	cmp qword [rdi + REGS_LAUNCHED], 0
	mov rdi, [rdi + RDI_]           ; mov leaves the flags of the cmp alone
	je .launch
	vmresume
	jmp .failed
.launch:
	vmlaunch
.failed:
	; SDM Vol. 3C 31.2: CF = VMfailInvalid (1), ZF = VMfailValid (2)
	mov eax, 1
	jc .out
	mov eax, 2
.out:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

; VM exit: the CPU loaded RSP = host stack top - 16, where [rsp] = regs, and RFLAGS = 2.
global vmx_exit_stub
vmx_exit_stub:
	push rax
	push rdx
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdx, [rsp + 16]             ; regs
	mov [rdx + REGS_EXIT_TSC], rax
	pop rax                         ; guest rdx
	mov [rdx + RDX_], rax
	pop rax                         ; guest rax
	mov [rdx + RAX_], rax
	mov [rdx + RCX_], rcx
	mov [rdx + RBX_], rbx
	mov [rdx + RBP_], rbp
	mov [rdx + RSI_], rsi
	mov [rdx + RDI_], rdi
	mov [rdx + R8_],  r8
	mov [rdx + R9_],  r9
	mov [rdx + R10_], r10
	mov [rdx + R11_], r11
	mov [rdx + R12_], r12
	mov [rdx + R13_], r13
	mov [rdx + R14_], r14
	mov [rdx + R15_], r15
	mov rsp, [rdx + REGS_KERNEL_RSP]
	xor eax, eax                    ; vmx_enter returns 0: a VM exit happened
	jmp vmx_enter.out
