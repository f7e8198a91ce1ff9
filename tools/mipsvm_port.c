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

/* Guest output to stdout (the host prefixes it by "name: " with several VMs); messages to stderr
 * after what the VMs printed so far. */
static void port_write(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n)
{
	struct mipsvm_host *h = ud;

	(void)vm;
	if (stream == MIPS_STREAM_DIAG)
		fflush(h->out);
	fwrite(s, 1, n, stream == MIPS_STREAM_DIAG ? h->diag : h->out);
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

bool mipsvm_host_init(struct mipsvm_host *h, const struct mips_host_config *cfg)
{
	h->base = (struct mips_port){
		.ud = h,
		.alloc = port_alloc,
		.write = port_write,
		.input = port_input,
		.clock_ns = port_clock_ns,
		.storage_write = port_storage_write,
		.storage_read = port_storage_read,
	};
	h->listen_fd = -1;
	h->host = mips_host_new(&h->base, mipsvm_net(), cfg);
	return h->host != NULL;
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
