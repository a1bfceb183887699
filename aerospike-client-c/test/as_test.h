/*
 * as_test.h: the C core's unit-test framework. A test file includes this
 * header and defines tests with TEST(name) { ... }; each test registers
 * itself before main() runs (a constructor function), so adding a
 * test_<area>.c file to aerospike-client-c/test/ is all it takes: the
 * Makefile compiles every .c there and test_main.c runs whatever registered.
 *
 * ASSERT_* macros report file and line and end the current test at the
 * first failure (the runner regains control with longjmp), so they also work
 * inside helper functions. Memory a failing test allocated is not freed.
 */
#ifndef AS_TEST_H
#define AS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct as_test {
	const char* name;
	const char* file;
	int line;
	void (*fn)(void);
	struct as_test* next;
} as_test;

/* Called by the constructors that TEST() generates. */
void as__test_register(as_test* t);

/* Counts one passed check. */
void as__test_pass(void);

/* Reports a failed check and leaves the current test; never returns. */
_Noreturn void as__test_fail(const char* file, int line, const char* fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reports two byte ranges that differ (with a hex dump) and leaves the test. */
_Noreturn void as__test_fail_mem(const char* file, int line, const char* what, const void* got,
	size_t got_len, const void* want, size_t want_len);

/* Parses hex digits into out (spaces, '|' and ':' are ignored). Returns the
 * byte count, or -1 on a bad digit, an odd count or more than cap bytes. */
long as_test_unhex(const char* hex, uint8_t* out, size_t cap);

/* Formats len bytes as lowercase hex into out (room for 2 * len + 1). */
void as_test_hex(const void* data, size_t len, char* out);

/*
 * TEST(name) { ... } defines a test. Names need only be unique within a
 * file; the runner shows them as "file:name".
 */
#define TEST(name)                                                                                 \
	static void as__test_fn_##name(void);                                                          \
	static as_test as__test_rec_##name = {#name, __FILE__, __LINE__, as__test_fn_##name, NULL};    \
	__attribute__((constructor)) static void as__test_reg_##name(void)                             \
	{                                                                                              \
		as__test_register(&as__test_rec_##name);                                                   \
	}                                                                                              \
	static void as__test_fn_##name(void)

#define ASSERT_MSG(cond, ...)                                                                      \
	do {                                                                                           \
		if (cond) {                                                                                \
			as__test_pass();                                                                       \
		}                                                                                          \
		else {                                                                                     \
			as__test_fail(__FILE__, __LINE__, __VA_ARGS__);                                        \
		}                                                                                          \
	} while (0)

#define ASSERT_TRUE(cond) ASSERT_MSG((cond), "expected true: %s", #cond)
#define ASSERT_FALSE(cond) ASSERT_MSG(!(cond), "expected false: %s", #cond)
#define ASSERT_NULL(p) ASSERT_MSG((p) == NULL, "expected NULL: %s", #p)
#define ASSERT_NOT_NULL(p) ASSERT_MSG((p) != NULL, "expected non-NULL: %s", #p)

/* Signed integers, compared and printed as int64_t. */
#define ASSERT_EQ(got, want)                                                                       \
	do {                                                                                           \
		int64_t as__g = (int64_t)(got), as__w = (int64_t)(want);                                   \
		ASSERT_MSG(as__g == as__w, "%s == %s: got %lld, want %lld", #got, #want, (long long)as__g, \
			(long long)as__w);                                                                     \
	} while (0)

#define ASSERT_NE(got, other)                                                                      \
	do {                                                                                           \
		int64_t as__g = (int64_t)(got), as__o = (int64_t)(other);                                  \
		ASSERT_MSG(as__g != as__o, "%s != %s: both are %lld", #got, #other, (long long)as__g);     \
	} while (0)

/* Unsigned integers, compared and printed as uint64_t. */
#define ASSERT_EQ_U64(got, want)                                                                   \
	do {                                                                                           \
		uint64_t as__g = (uint64_t)(got), as__w = (uint64_t)(want);                                \
		ASSERT_MSG(as__g == as__w, "%s == %s: got %llu, want %llu", #got, #want,                   \
			(unsigned long long)as__g, (unsigned long long)as__w);                                 \
	} while (0)

/* Doubles, compared exactly (use ASSERT_TRUE(isnan(x)) for NaN). */
#define ASSERT_EQ_DBL(got, want)                                                                   \
	do {                                                                                           \
		double as__g = (got), as__w = (want);                                                      \
		ASSERT_MSG(as__g == as__w, "%s == %s: got %.17g, want %.17g", #got, #want, as__g, as__w);  \
	} while (0)

#define ASSERT_STR_EQ(got, want)                                                                   \
	do {                                                                                           \
		const char *as__g = (got), *as__w = (want);                                                \
		bool as__eq = as__g != NULL && as__w != NULL && strcmp(as__g, as__w) == 0;                 \
		ASSERT_MSG(as__eq, "%s == %s: got \"%s\", want \"%s\"", #got, #want,                       \
			as__g ? as__g : "(null)", as__w ? as__w : "(null)");                                   \
	} while (0)

/* Two byte ranges, equal in length and content. */
#define ASSERT_MEM_EQ(got, got_len, want, want_len)                                                \
	do {                                                                                           \
		const void *as__g = (got), *as__w = (want);                                                \
		size_t as__gl = (got_len), as__wl = (want_len);                                            \
		if (as__gl == as__wl && (as__gl == 0 || memcmp(as__g, as__w, as__gl) == 0)) {              \
			as__test_pass();                                                                       \
		}                                                                                          \
		else {                                                                                     \
			as__test_fail_mem(__FILE__, __LINE__, #got, as__g, as__gl, as__w, as__wl);             \
		}                                                                                          \
	} while (0)

/* A byte range against a hex string such as "cd 01 00" (a golden of up to
 * 1024 bytes; use ASSERT_MEM_EQ for longer ones). */
#define ASSERT_HEX_EQ(got, got_len, hex)                                                           \
	do {                                                                                           \
		uint8_t as__hex_buf[1024];                                                                 \
		long as__hex_len = as_test_unhex((hex), as__hex_buf, sizeof(as__hex_buf));                 \
		ASSERT_MSG(as__hex_len >= 0, "bad hex literal: %s", #hex);                                 \
		ASSERT_MEM_EQ((got), (got_len), as__hex_buf, (size_t)as__hex_len);                         \
	} while (0)

#endif
