/*
 * test_main.c: the runner of the C core's unit tests (built by `make ctest`
 * as aerospike-client-c/test/run_tests). Tests register themselves through
 * TEST() in as_test.h; this file sorts them by file and line, runs them,
 * prints a summary and exits non-zero when any failed.
 *
 * Usage: run_tests [-v] [-l] [PATTERN...]. A test runs when its
 * "file:name" contains one of the patterns (all run when none is given);
 * -v names each test as it runs, -l lists the tests without running them.
 */
#include "as_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static as_test* registry;
static size_t registry_len;

static jmp_buf escape;
static const as_test* current;
static unsigned long checks;

void as__test_register(as_test* t)
{
	t->next = registry;
	registry = t;
	registry_len++;
}

void as__test_pass(void)
{
	checks++;
}

static const char* base_name(const char* path)
{
	const char* slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

_Noreturn void as__test_fail(const char* file, int line, const char* fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: FAIL %s: ", file, line, current ? current->name : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	longjmp(escape, 1);
}

/* Prints up to 64 bytes of a range as hex, marking the first difference. */
static void dump(const char* label, const uint8_t* p, size_t len, size_t diff)
{
	fprintf(stderr, "  %s (%zu bytes):", label, len);
	for (size_t i = 0; i < len && i < 64; i++) {
		fprintf(stderr, i == diff ? " [%02x]" : " %02x", p[i]);
	}
	fprintf(stderr, len > 64 ? " ...\n" : "\n");
}

_Noreturn void as__test_fail_mem(const char* file, int line, const char* what, const void* got,
	size_t got_len, const void* want, size_t want_len)
{
	const uint8_t* g = got;
	const uint8_t* w = want;
	size_t diff = 0;

	while (diff < got_len && diff < want_len && g[diff] == w[diff]) {
		diff++;
	}
	fprintf(stderr, "%s:%d: FAIL %s: bytes of %s differ at offset %zu\n", file, line,
		current ? current->name : "?", what, diff);
	dump("got ", g, got_len, diff);
	dump("want", w, want_len, diff);
	longjmp(escape, 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

long as_test_unhex(const char* hex, uint8_t* out, size_t cap)
{
	size_t n = 0;
	int high = -1;

	for (; *hex; hex++) {
		if (*hex == ' ' || *hex == '|' || *hex == ':') {
			continue;
		}
		int d = hex_digit(*hex);
		if (d < 0) {
			return -1;
		}
		if (high < 0) {
			high = d;
			continue;
		}
		if (n == cap) {
			return -1;
		}
		out[n++] = (uint8_t)(high << 4 | d);
		high = -1;
	}
	return high < 0 ? (long)n : -1;
}

void as_test_hex(const void* data, size_t len, char* out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t* p = data;

	for (size_t i = 0; i < len; i++) {
		*out++ = digits[p[i] >> 4];
		*out++ = digits[p[i] & 15];
	}
	*out = '\0';
}

static int by_file_and_line(const void* a, const void* b)
{
	const as_test* x = *(const as_test* const*)a;
	const as_test* y = *(const as_test* const*)b;
	int c = strcmp(x->file, y->file);
	return c ? c : x->line - y->line;
}

static bool selected(const as_test* t, int argc, char** argv, int first)
{
	char full[512];
	bool any = false;

	snprintf(full, sizeof(full), "%s:%s", base_name(t->file), t->name);
	for (int i = first; i < argc; i++) {
		any = true;
		if (strstr(full, argv[i])) {
			return true;
		}
	}
	return !any;
}

/* Runs one test; returns true when it passed. */
static bool run_one(const as_test* t)
{
	current = t;
	if (setjmp(escape) == 0) {
		t->fn();
		current = NULL;
		return true;
	}
	current = NULL;
	return false;
}

int main(int argc, char** argv)
{
	bool verbose = false;
	bool list = false;
	int first = 1;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "-v") == 0) {
			verbose = true;
		}
		else if (strcmp(argv[first], "-l") == 0) {
			list = true;
		}
		else {
			fprintf(stderr, "usage: %s [-v] [-l] [PATTERN...]\n", argv[0]);
			return 2;
		}
	}

	as_test** tests = malloc((registry_len ? registry_len : 1) * sizeof(*tests));
	if (!tests) {
		fprintf(stderr, "out of memory\n");
		return 2;
	}
	size_t n = 0;
	for (as_test* t = registry; t; t = t->next) {
		tests[n++] = t;
	}
	qsort(tests, n, sizeof(*tests), by_file_and_line);

	size_t ran = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		const as_test* t = tests[i];
		if (!selected(t, argc, argv, first)) {
			continue;
		}
		if (list) {
			printf("%s:%s\n", base_name(t->file), t->name);
			continue;
		}
		if (verbose) {
			printf("%s:%s ...\n", base_name(t->file), t->name);
			fflush(stdout);
		}
		ran++;
		if (!run_one(t)) {
			failed++;
		}
	}
	free(tests);

	if (list) {
		return 0;
	}
	printf("%zu tests, %zu passed, %zu failed, %lu checks\n", ran, ran - failed, failed, checks);
	if (ran == 0) {
		fprintf(stderr, "no test matched\n");
		return 1;
	}
	return failed ? 1 : 0;
}
