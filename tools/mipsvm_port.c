/* mipsvm_port.c: the Linux implementation of struct mips_port for the mipsvm tool. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/mipsvm.h"

static void *port_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud, (void)osize;
	if (!nsize) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
}

static int host_index(const struct mipsvm_host *h, const struct mips_vm *vm)
{
	for (int i = 0; i < h->nvms; i++)
		if (h->vms[i] == vm)
			return i;
	return -1;
}

/* Guest output goes to stdout (each line prefixed by "name: " with several VMs); messages to stderr. */
static void port_write(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n)
{
	struct mipsvm_host *h = ud;
	int i = vm ? host_index(h, vm) : -1;

	if (stream == MIPS_STREAM_DIAG || i < 0 || !h->prefix) {
		if (stream == MIPS_STREAM_DIAG)
			fflush(h->out);
		fwrite(s, 1, n, stream == MIPS_STREAM_DIAG ? h->diag : h->out);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		if (h->at_line_start[i])
			fprintf(h->out, "%s: ", h->names[i]);
		fputc(s[k], h->out);
		h->at_line_start[i] = s[k] == '\n';
	}
}

static long port_input(void *ud, struct mips_vm *vm, char *buf, size_t cap)
{
	struct mipsvm_host *h = ud;
	(void)vm;
	fflush(h->out);	/* prompts appear before the program waits */
	ssize_t n;
	do
		n = read(0, buf, cap);
	while (n < 0 && errno == EINTR);
	return n < 0 ? MIPS_INPUT_EOF : (long)n;
}

static uint64_t port_clock_ns(void *ud)
{
	struct timespec ts;
	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Writes name through a temporary file and a rename, so a crash never leaves half a snapshot. */
static int port_storage_write(void *ud, const char *name, const void *buf, size_t len)
{
	struct mipsvm_host *h = ud;
	char tmp[4096];

	snprintf(tmp, sizeof tmp, "%s.tmp", name);
	FILE *f = fopen(tmp, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0 || rename(tmp, name) != 0) {
		fprintf(h->diag, "mipsvm: %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

static long port_storage_read(void *ud, const char *name, void *buf, size_t cap)
{
	size_t len;
	char *data = mipsvm_read_file(name, &len);
	(void)ud;
	if (!data)
		return -1;
	if (cap)
		memcpy(buf, data, len < cap ? len : cap);
	free(data);
	return (long)len;
}

static void port_migrate(void *ud, struct mips_vm *vm, const char *target)
{
	mipsvm_mig_start(ud, vm, target);
}

void mipsvm_port_init(struct mips_port *port, struct mipsvm_host *host)
{
	host->port = port;
	mipsvm_mig_init(host);
	*port = (struct mips_port){
		.ud = host,
		.alloc = port_alloc,
		.write = port_write,
		.input = port_input,
		.clock_ns = port_clock_ns,
		.storage_write = port_storage_write,
		.storage_read = port_storage_read,
		.migrate = port_migrate,
	};
}

void mipsvm_host_put(struct mipsvm_host *host, int i, struct mips_vm *vm, const char *name)
{
	host->vms[i] = vm;
	snprintf(host->names[i], MIPS_NAME_MAX, "%s", name ? name : mips_vm_name(vm));
	host->at_line_start[i] = true;
	if (i == host->nvms)
		host->nvms++;
}

bool mipsvm_host_add(struct mipsvm_host *host, struct mips_vm *vm, const char *name)
{
	if (host->nvms == MIPSVM_MAX_VMS)
		return false;
	mipsvm_host_put(host, host->nvms, vm, name);
	return true;
}

const char *mipsvm_host_name(const struct mipsvm_host *host, const struct mips_vm *vm)
{
	int i = host_index(host, vm);
	return i < 0 ? mips_vm_name(vm) : host->names[i];
}

void mipsvm_host_end_line(struct mipsvm_host *host, const struct mips_vm *vm)
{
	int i = host_index(host, vm);

	if (i >= 0 && host->prefix && !host->at_line_start[i]) {
		fputc('\n', host->out);
		host->at_line_start[i] = true;
	}
	fflush(host->out);
}

bool mipsvm_vm_live(const struct mips_vm *vm)
{
	enum mips_vm_state st = mips_vm_state(vm);
	return st == MIPS_VM_RUNNING || st == MIPS_VM_BLOCKED || st == MIPS_VM_PAUSED;
}

int mipsvm_host_live(const struct mipsvm_host *host)
{
	int n = 0;

	for (int i = 0; i < host->nvms; i++)
		n += mipsvm_vm_live(host->vms[i]);
	return n;
}

char *mipsvm_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}
