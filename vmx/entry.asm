; entry.asm: VM entry (VMLAUNCH/VMRESUME) and the VM-exit stub that saves the guest's registers.
; Timestamps: rdtsc is the first thing on the exit path and the last thing before the entry
; (only the loads of the guest registers it clobbers come after it).

bits 64
default rel

%include "vmx/guest_regs.inc"

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
	LOAD_GUEST_GPRS
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
	SAVE_GUEST_GPRS
	mov rsp, [rdx + REGS_KERNEL_RSP]
	xor eax, eax                    ; vmx_enter returns 0: a VM exit happened
	jmp vmx_enter.out
