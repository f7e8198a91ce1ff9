; svm_entry.asm: VMRUN and the #VMEXIT path that saves the guest's registers (AMD APM Vol. 2, 15.5).
; Timestamps as in vmx/entry.asm: rdtsc is the last thing before VMRUN (only the loads of the guest
; registers it clobbers come after it) and the first after the exit (after one push of the guest
; RDX it clobbers). Guest RAX, RSP and RIP live in the VMCB; VMLOAD/VMSAVE move the guest's FS, GS,
; TR, LDTR and the SYSCALL/SYSENTER MSRs between the VMCB and the CPU, and the host's come back
; from the host area Tally saved at enable time.

bits 64
default rel

; struct guest_regs offsets; vmx/vcpu.h _Static_asserts the same numbers.
%define REGS_EXIT_TSC   128
%define REGS_ENTRY_TSC  136
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

; void svm_run(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_area_pa)
; (rdi = regs, rsi = VMCB, rdx = host area). Interrupts are off on the way in and out. GIF is
; cleared around the run, and RFLAGS.IF set for it: with V_INTR_MASKING the host's IF decides
; whether a host interrupt (Tally's quantum timer) ends the guest's run with an INTR exit.
global svm_run
svm_run:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rdx                        ; host area       [rsp + 16] after the next two
	push rdi                        ; regs            [rsp + 8]
	push rsi                        ; VMCB            [rsp]
	mov rax, rsi
	clgi
	vmload
	sti                             ; GIF=0 holds any interrupt until the guest runs
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [rdi + REGS_ENTRY_TSC], rax
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
	mov rax, [rsp]                  ; VMCB
	mov rdi, [rdi + RDI_]
	vmrun
	; #VMEXIT: RAX, RSP and RIP are the host's again; GIF = 0; the other registers are the guest's.
	push rdx
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdx, [rsp + 16]             ; regs
	mov [rdx + REGS_EXIT_TSC], rax
	pop rax                         ; guest rdx
	mov [rdx + RDX_], rax
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
	pop rax                         ; VMCB
	vmsave
	pop rdi                         ; regs
	pop rax                         ; host area
	vmload
	cli
	stgi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
