/* mipsvm_port.c: the Linux implementation of struct mips_port for the mipsvm tool. */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
/* Before a message: what the VMs printed so far, and on a terminal the end of their half line. */
static void before_message(struct mipsvm_host *h)
{
	fflush(h->out);
	if (h->out_midline && isatty(fileno(h->out)) && isatty(fileno(h->diag)))
		fputc('\n', h->diag);
	h->out_midline = false;
}

static void port_write(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n)
{
	struct mipsvm_host *h = ud;

	(void)vm;
	if (stream == MIPS_STREAM_DIAG) {
		before_message(h);
		fwrite(s, 1, n, h->diag);
	} else if (n) {
		fwrite(s, 1, n, h->out);
		h->out_midline = s[n - 1] != '\n';
	}
}

void mipsvm_note(struct mipsvm_host *h, const char *fmt, ...)
{
	va_list ap;

	before_message(h);
	va_start(ap, fmt);
	vfprintf(h->diag, fmt, ap);
	va_end(ap);
	fputc('\n', h->diag);
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

/*
 * SNAPSHOT names come from the VM, which may have arrived over the network: they are confined to
 * the snapshot directory. A name is '/'-separated components under it; an absolute path, a ".."
 * component or a component that is a symbolic link is refused (openat with O_NOFOLLOW, one
 * component at a time, so no link is ever followed out). Returns the directory fd holding the
 * last component (*last points into name), or -1 with why.
 */
static int confine(struct mipsvm_host *h, const char *name, const char **last, char *why, size_t cap)
{
	char comp[NAME_MAX + 1];

	if (!name[0] || name[0] == '/') {
		snprintf(why, cap, "%s", name[0] ? "an absolute path" : "an empty name");
		return -1;
	}
	int dir = dup(h->snap_fd);
	for (const char *p = name; dir >= 0;) {
		size_t n = strcspn(p, "/");
		if (n > NAME_MAX) {
			snprintf(why, cap, "a component longer than %d bytes", NAME_MAX);
			break;
		}
		memcpy(comp, p, n);
		comp[n] = 0;
		if (!strcmp(comp, "..")) {
			snprintf(why, cap, "a '..' component");
			break;
		}
		if (!p[n]) {
			struct stat st;
			if (!n || !strcmp(comp, "."))
				snprintf(why, cap, "not a file name");
			else if (!fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
				snprintf(why, cap, "a symbolic link (not followed, not replaced)");
			else
				return *last = p, dir;
			break;
		}
		p += n + 1;
		if (!n || !strcmp(comp, "."))
			continue;
		int sub = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			snprintf(why, cap, "%.64s: %s", comp, errno == ELOOP || errno == ENOTDIR ?
				 "not a directory (symbolic links are not followed)" : strerror(errno));
		close(dir);
		dir = sub;
	}
	if (dir >= 0)
		close(dir);
	return -1;
}

static void refused(struct mipsvm_host *h, const char *name, const char *why)
{
	fprintf(h->diag, "mipsvm: SNAPSHOT %s: refused: %s (names stay inside the snapshot directory %s)\n", name,
		why, h->snap_dir);
}

static int port_storage_write(void *ud, const char *name, const void *buf, size_t len)
{
	struct mipsvm_host *h = ud;
	char why[160];
	const char *last;
	int dir = confine(h, name, &last, why, sizeof why);

	if (dir < 0) {
		refused(h, name, why);
		return -1;
	}
	int rc = mipsvm_write_file_at(dir, last, buf, len, true);
	if (rc < 0)
		mipsvm_note(h, "mipsvm: %s: %s", name, errno == ELOOP ? "a symbolic link (not followed)" : strerror(errno));
	else
		mipsvm_note(h, "mipsvm: SNAPSHOT %s: saved in %s (%zu bytes)", name, h->snap_dir, len);
	close(dir);
	return rc;
}

static long port_storage_read(void *ud, const char *name, void *buf, size_t cap)
{
	struct mipsvm_host *h = ud;
	char why[160];
	const char *last;
	size_t len;
	int dir = confine(h, name, &last, why, sizeof why);

	if (dir < 0) {
		refused(h, name, why);
		return -1;
	}
	char *data = mipsvm_read_file_at(dir, last, h->snap_max, true, &len);
	close(dir);
	if (!data) {
		fprintf(h->diag, "mipsvm: %s: %s\n", name, errno == EFBIG ? "larger than any snapshot within the memory limit" : strerror(errno));
		return -1;
	}
	if (cap)
		memcpy(buf, data, len < cap ? len : cap);
	free(data);
	return (long)len;
}

int mipsvm_write_file_at(int dirfd, const char *path, const void *buf, size_t len, bool nofollow)
{
	char tmp[PATH_MAX];
	const char *p = buf;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), 0666);
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			unlinkat(dirfd, tmp, 0);
			errno = e;
			return -1;
		}
		p += n, len -= (size_t)n;
	}
	if (close(fd) != 0 || renameat(dirfd, tmp, dirfd, path) != 0)
		return -1;
	return 0;
}

bool mipsvm_snapshot_dir(struct mipsvm_host *h, const char *dir)
{
	h->snap_dir = dir;
	h->snap_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->snap_fd >= 0)
		return true;
	fprintf(h->diag, "mipsvm: --snapshot-dir %s: %s\n", dir, strerror(errno));
	return false;
}

/* Code caches for the translator (W^X, mips/port.h): an anonymous memory file mapped twice,
 * shared, once read-and-execute and once read-and-write. */
void *mipsvm_exec_alloc(void *ud, size_t size, void **write)
{
	void *w = MAP_FAILED, *x = MAP_FAILED;
	int fd = memfd_create("mipsvm-code", MFD_CLOEXEC);

	(void)ud;
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) == 0) {
		w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		x = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	}
	close(fd);
	if (w == MAP_FAILED || x == MAP_FAILED) {
		if (w != MAP_FAILED)
			munmap(w, size);
		if (x != MAP_FAILED)
			munmap(x, size);
		return NULL;
	}
	*write = w;
	return x;
}

void mipsvm_exec_free(void *ud, void *code, void *write, size_t size)
{
	(void)ud;
	munmap(code, size);
	munmap(write, size);
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
	h->exec.alloc = mipsvm_exec_alloc, h->exec.free = mipsvm_exec_free;
	if (!h->interp && MIPS_PORT_JIT)
		h->base.exec = &h->exec;
	h->listen_fd = -1;
	h->snap_fd = -1;
	h->host = mips_host_new(&h->base, mipsvm_net(), cfg);
	return h->host != NULL;
}

char *mipsvm_read_file_at(int dirfd, const char *path, size_t max, bool nofollow, size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	if (fd < 0)
		return NULL;
	for (;;) {
		if (n == cap) {
			size_t want = cap ? cap * 2 : 65536;
			want = want > max + 1 ? max + 1 : want;	/* one byte past max tells a longer file */
			char *nb = want > cap ? realloc(buf, want + 1) : NULL;
			if (!nb) {
				err = want > cap ? ENOMEM : EFBIG;
				break;
			}
			buf = nb, cap = want;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = errno;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (!err && n > max)
		err = EFBIG;
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	if (!buf && !(buf = malloc(1))) {
		errno = ENOMEM;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

char *mipsvm_read_file(const char *path, size_t max, size_t *len)
{
	return mipsvm_read_file_at(AT_FDCWD, path, max, false, len);
}
