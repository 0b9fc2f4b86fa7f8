// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * namedshm(1): list, inspect, create and read named shared memory regions
 * of /dev/namedshm.  The man page man/namedshm.1 is the reference.
 *
 * Exit status: 0 success, 1 an operation failed (no such region, no
 * permission, no module), 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namedshm.h"

#define PROC_PATH "/proc/namedshm"

static const char *prog = "namedshm";
static bool json;

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

static void errmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage_to(FILE *f)
{
	fprintf(f,
		"Usage: %s [--json] list\n"
		"       %s [--json] info NAME\n"
		"       %s [--json] create NAME SIZE --hold [--mode MODE] [--exclusive]\n"
		"                   [--reserve] [--huge]\n"
		"       %s cat NAME\n"
		"       %s [--json] limits\n"
		"       %s --help | --version\n"
		"\n"
		"Named shared memory regions of /dev/namedshm, in the caller's IPC\n"
		"namespace.  SIZE takes the suffixes K, M, G (powers of 1024).\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n"
		"See namedshm(1).\n",
		prog, prog, prog, prog, prog, prog);
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

/* A name as /proc/namedshm prints it: bytes outside '!'..'~' and '\\' as
 * \ooo.  Written to f. */
static void put_escaped(FILE *f, const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c > ' ' && c < 0x7f && c != '\\')
			fputc(c, f);
		else
			fprintf(f, "\\%03o", c);
	}
}

/* A JSON string: bytes >= 0x80 are taken as U+0080..U+00FF so that the
 * output is always valid JSON (names are bytes, not text). */
static void put_json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Undo put_escaped's \ooo; returns the length, or -1 if malformed. */
static ssize_t unescape(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	while (*in) {
		unsigned char c = (unsigned char)*in++;

		if (c == '\\') {
			if (in[0] < '0' || in[0] > '3' || in[1] < '0' ||
			    in[1] > '7' || in[2] < '0' || in[2] > '7')
				return -1;
			c = (unsigned char)((in[0] - '0') * 64 +
					    (in[1] - '0') * 8 + (in[2] - '0'));
			in += 3;
		}
		if (n >= outsz)
			return -1;
		out[n++] = (char)c;
	}
	return (ssize_t)n;
}

/* The static build for the test VM has no NSS: numeric ids only. */
static const char *user_name(uid_t uid, char *buf, size_t sz)
{
#ifndef NAMEDSHM_CMD_NO_NSS
	struct passwd *pw = getpwuid(uid);

	if (pw)
		return pw->pw_name;
#endif
	snprintf(buf, sz, "%u", (unsigned int)uid);
	return buf;
}

static const char *group_name(gid_t gid, char *buf, size_t sz)
{
#ifndef NAMEDSHM_CMD_NO_NSS
	struct group *gr = getgrgid(gid);

	if (gr)
		return gr->gr_name;
#endif
	snprintf(buf, sz, "%u", (unsigned int)gid);
	return buf;
}

static const char *kind_of(uint32_t flags)
{
	if (flags & NAMEDSHM_REGION_FILE)
		return "file";
	if (flags & NAMEDSHM_REGION_HUGE)
		return "huge";
	if (flags & NAMEDSHM_REGION_RESERVE)
		return "reserve";
	return "anon";
}

/*
 * The KIND column: /proc/namedshm's kind for events, mutexes and
 * semaphores; for a mapping, how its memory is backed, which
 * /proc/namedshm does not say: open the name read-only and ask ("mapping"
 * when the caller may not open it).
 */
static const char *probe_kind(const char *pkind, const char *name,
			      size_t len)
{
	struct namedshm_stat st;
	const char *kind = "mapping";
	int fd;

	if (strcmp(pkind, "mapping"))
		return pkind;
	fd = namedshm_open_ex(name, len, 0, 0, 0, NULL);

	if (fd < 0)
		return kind;
	if (namedshm_stat(fd, &st) == 0)
		kind = kind_of(st.flags);
	close(fd);
	return kind;
}

static int open_failed(const char *what)
{
	if (errno == ENODEV)
		errmsg("%s: %s (is the namedshm module loaded?)", what,
		       strerror(errno));
	else
		errmsg("%s: %s", what, strerror(errno));
	return EXIT_FAIL;
}

static int cmd_list(void)
{
	FILE *f = fopen(PROC_PATH, "re");
	char *line = NULL;
	size_t cap = 0;
	bool first = true;
	int rc = 0;

	if (!f) {
		if (errno == ENOENT)
			errno = ENODEV;
		return open_failed(PROC_PATH);
	}
	if (json)
		printf("[");
	else
		printf("%-20s %-7s %12s %7s %6s %-10s %-10s %4s\n", "NAME",
		       "KIND", "SIZE", "HANDLES", "MAPPED", "OWNER", "GROUP",
		       "MODE");
	/* Header: "size handles mapped uid gid mode kind name" */
	if (getline(&line, &cap, f) < 0) {
		errmsg("%s: empty", PROC_PATH);
		rc = EXIT_FAIL;
		goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		unsigned long long size;
		unsigned int handles, mapped, uid, gid, mode;
		char ename[4 * NAMEDSHM_NAME_MAX + 1];
		char name[NAMEDSHM_NAME_MAX];
		char ub[16], gb[16], pkind[16];
		ssize_t len;

		if (sscanf(line, "%llu %u %u %u %u %o %15s %4092s", &size,
			   &handles, &mapped, &uid, &gid, &mode, pkind,
			   ename) != 8 ||
		    (len = unescape(ename, name, sizeof(name))) <= 0) {
			errmsg("%s: unexpected line: %s", PROC_PATH, line);
			rc = EXIT_FAIL;
			continue;
		}
		const char *kind = probe_kind(pkind, name, (size_t)len);
		const char *owner = user_name(uid, ub, sizeof(ub));
		const char *group = group_name(gid, gb, sizeof(gb));

		if (json) {
			printf("%s\n  {\"name\": ", first ? "" : ",");
			put_json_string(stdout, name, (size_t)len);
			printf(", \"kind\": \"%s\", \"size\": %llu, "
			       "\"handles\": %u, \"mapped\": %s, "
			       "\"uid\": %u, \"owner\": ",
			       kind, size, handles, mapped ? "true" : "false",
			       uid);
			put_json_string(stdout, owner, strlen(owner));
			printf(", \"gid\": %u, \"group\": ", gid);
			put_json_string(stdout, group, strlen(group));
			printf(", \"mode\": \"%04o\"}", mode);
		} else {
			/* The name column is the escaped form (no spaces). */
			printf("%-20s %-7s %12llu %7u %6s %-10s %-10s %04o\n",
			       ename, kind, size, handles, mapped ? "yes" : "no",
			       owner, group, mode);
		}
		first = false;
	}
	if (json)
		printf("%s]\n", first ? "" : "\n");
out:
	free(line);
	fclose(f);
	return rc;
}

static int open_name(const char *name, unsigned int flags)
{
	int fd = namedshm_open_ex(name, strlen(name), flags, 0, 0, NULL);

	if (fd < 0)
		open_failed(name);
	return fd;
}

static int cmd_info(const char *name)
{
	struct namedshm_stat st;
	char ub[16], gb[16];
	int fd = open_name(name, 0);

	if (fd < 0)
		return EXIT_FAIL;
	if (namedshm_stat(fd, &st) < 0) {
		errmsg("%s: %s", name, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	/* Not counting the handle this command held to ask. */
	st.handles--;
	const char *owner = user_name(st.uid, ub, sizeof(ub));
	const char *group = group_name(st.gid, gb, sizeof(gb));
	bool writable = st.flags & NAMEDSHM_REGION_WRITABLE;
	bool mapped = st.flags & NAMEDSHM_REGION_MAPPED;

	if (json) {
		printf("{\"name\": ");
		put_json_string(stdout, st.name, st.name_len);
		printf(", \"kind\": \"%s\", \"size\": %" PRIu64
		       ", \"handles\": %" PRIu32 ", \"mapped\": %s"
		       ", \"writable\": %s, \"uid\": %u, \"owner\": ",
		       kind_of(st.flags), st.size, st.handles,
		       mapped ? "true" : "false", writable ? "true" : "false",
		       (unsigned int)st.uid);
		put_json_string(stdout, owner, strlen(owner));
		printf(", \"gid\": %u, \"group\": ", (unsigned int)st.gid);
		put_json_string(stdout, group, strlen(group));
		printf(", \"mode\": \"%04o\"}\n", (unsigned int)st.mode);
		return 0;
	}
	printf("name:     ");
	put_escaped(stdout, st.name, st.name_len);
	printf("\nkind:     %s\n", kind_of(st.flags));
	printf("size:     %" PRIu64 "\n", st.size);
	printf("handles:  %" PRIu32 "\n", st.handles);
	printf("mapped:   %s\n", mapped ? "yes" : "no");
	printf("writable: %s\n", writable ? "yes" : "no");
	printf("owner:    %s (%u)\n", owner, (unsigned int)st.uid);
	printf("group:    %s (%u)\n", group, (unsigned int)st.gid);
	printf("mode:     %04o\n", (unsigned int)st.mode);
	return 0;
}

static int cmd_cat(const char *name)
{
	struct namedshm_stat st;
	int fd = open_name(name, 0);
	int rc = 0;

	if (fd < 0)
		return EXIT_FAIL;
	if (namedshm_stat(fd, &st) < 0) {
		errmsg("%s: %s", name, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	if ((uint64_t)(size_t)st.size != st.size) {
		errmsg("%s: %s", name, strerror(EFBIG));
		close(fd);
		return EXIT_FAIL;
	}
	size_t len = (size_t)st.size;
	const char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	close(fd);
	if (p == MAP_FAILED) {
		errmsg("%s: mmap: %s", name, strerror(errno));
		return EXIT_FAIL;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(STDOUT_FILENO, p + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			errmsg("write error: %s", strerror(errno));
			rc = EXIT_FAIL;
			break;
		}
		off += (size_t)n;
	}
	munmap((void *)p, len);
	return rc;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B' && shift)
		end++;
	if (*end || v == 0 || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int cmd_create(int argc, char **argv)
{
	const char *name = NULL, *size_arg = NULL;
	bool hold = false;
	unsigned int flags = NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE;
	mode_t mode, um = umask(0);
	uint64_t size;

	umask(um);
	mode = 0666 & ~um;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--hold")) {
			hold = true;
		} else if (!strcmp(a, "--exclusive")) {
			flags |= NAMEDSHM_OPEN_EXCL;
		} else if (!strcmp(a, "--reserve")) {
			flags |= NAMEDSHM_OPEN_RESERVE;
		} else if (!strcmp(a, "--huge")) {
			flags |= NAMEDSHM_OPEN_HUGE;
		} else if (!strcmp(a, "--mode") ||
			   !strncmp(a, "--mode=", 7)) {
			const char *m = a[6] ? a + 7 : argv[++i];
			char *end;
			unsigned long v;

			if (!m)
				return usage_error("option '--mode' requires an argument");
			v = strtoul(m, &end, 8);
			if (!*m || *end || v > 0777)
				return usage_error("invalid mode: '%s'", m);
			mode = (mode_t)v;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("create: unrecognized option '%s'", a);
		} else if (!name) {
			name = a;
		} else if (!size_arg) {
			size_arg = a;
		} else {
			return usage_error("create: extra operand '%s'", a);
		}
	}
	if (!name || !size_arg)
		return usage_error("create: missing %s operand",
				   name ? "SIZE" : "NAME");
	if (parse_size(size_arg, &size) < 0)
		return usage_error("invalid size: '%s'", size_arg);
	if (!hold)
		return usage_error("create: --hold is required (a region "
				   "lives only while a handle is open)");

	struct namedshm_result res;
	int fd = namedshm_open_ex(name, strlen(name), flags, mode, size, &res);

	if (fd < 0)
		return open_failed(name);

	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	const char *status = res.created ? "created" : "opened";

	if (json) {
		printf("{\"name\": ");
		put_json_string(stdout, name, strlen(name));
		printf(", \"status\": \"%s\", \"size\": %" PRIu64
		       ", \"pid\": %ld}\n",
		       status, res.size, (long)getpid());
	} else {
		printf("%s: %s %" PRIu64 " bytes, holding (pid %ld)\n", name,
		       status, res.size, (long)getpid());
	}
	fflush(stdout);
	while (!stop)
		pause();
	close(fd);
	return 0;
}

static int cmd_limits(void)
{
	struct namedshm_device_info di = { .argsz = sizeof(di) };
	int dev = open(NAMEDSHM_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (dev < 0) {
		if (errno == ENOENT)
			errno = ENODEV;
		return open_failed(NAMEDSHM_DEVICE_PATH);
	}
	if (ioctl(dev, NAMEDSHM_IOC_DEVICE_INFO, &di) < 0) {
		errmsg("%s: NAMEDSHM_IOC_DEVICE_INFO: %s", NAMEDSHM_DEVICE_PATH,
		       strerror(errno == ENOTTY ? ENODEV : errno));
		close(dev);
		return EXIT_FAIL;
	}
	close(dev);

	static const struct {
		const char *key;
		size_t off;
	} rows[] = {
#define ROW(f) { #f, offsetof(struct namedshm_device_info, f) }
		ROW(max_region_size), ROW(regions), ROW(committed),
		ROW(max_regions), ROW(max_total_bytes), ROW(max_user_regions),
		ROW(max_user_bytes), ROW(ns_regions), ROW(ns_committed),
#undef ROW
	};

	if (json)
		printf("{\"abi_version\": %u, \"name_max\": %u, "
		       "\"page_size\": %u",
		       di.abi_version, di.name_max, di.page_size);
	else
		printf("%-17s %u\n%-17s %u\n%-17s %u\n", "abi_version",
		       di.abi_version, "name_max", di.name_max, "page_size",
		       di.page_size);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;

		memcpy(&v, (const char *)&di + rows[i].off, sizeof(v));
		if (json)
			printf(", \"%s\": %" PRIu64, rows[i].key, v);
		else
			printf("%-17s %" PRIu64 "\n", rows[i].key, v);
	}
	if (json)
		printf("}\n");
	return 0;
}

static int need_one(const char *cmd, int argc, char **argv)
{
	if (argc < 1)
		return usage_error("%s: missing NAME operand", cmd);
	if (argc > 1)
		return usage_error("%s: extra operand '%s'", cmd, argv[1]);
	if (!argv[0][0])
		return usage_error("%s: empty NAME", cmd);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	int rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_to(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("namedshm (libnamedshm) %s\n", namedshm_version());
			return 0;
		} else {
			return usage_error("unrecognized option '%s'", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("missing command");

	const char *cmd = argv[i++];

	/* --json is accepted after the command too. */
	int n = 0;
	for (int j = i; j < argc; j++) {
		if (!strcmp(argv[j], "--json"))
			json = true;
		else
			argv[i + n++] = argv[j];
	}
	argc = i + n;
	argv += i;
	argc -= i;

	if (!strcmp(cmd, "list")) {
		if (argc)
			return usage_error("list: extra operand '%s'", argv[0]);
		rc = cmd_list();
	} else if (!strcmp(cmd, "info")) {
		rc = need_one(cmd, argc, argv);
		if (!rc)
			rc = cmd_info(argv[0]);
	} else if (!strcmp(cmd, "cat")) {
		if (json)
			return usage_error("cat: --json is not supported");
		rc = need_one(cmd, argc, argv);
		if (!rc)
			rc = cmd_cat(argv[0]);
	} else if (!strcmp(cmd, "create")) {
		rc = cmd_create(argc, argv);
	} else if (!strcmp(cmd, "limits")) {
		if (argc)
			return usage_error("limits: extra operand '%s'", argv[0]);
		rc = cmd_limits();
	} else {
		return usage_error("unknown command '%s'", cmd);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		errmsg("write error: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return rc;
}
