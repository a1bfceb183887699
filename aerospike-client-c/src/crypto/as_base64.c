/*
 * as_base64.c: standard base64 (RFC 4648 section 4, '=' padding) for info
 * protocol payloads such as the replicas bitmaps read by cluster tending and
 * UDF bodies sent by the binding. Decoding is strict: the input must be a
 * whole number of 4-character groups from the standard alphabet, padding may
 * only end the last group, and the bits that padding discards must be zero,
 * so that every byte string has exactly one accepted encoding.
 */
#include <aerospike/as_crypto.h>

static const char ALPHABET[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of a base64 character, or -1 for anything outside the alphabet. */
static inline int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

void as_base64_encode(const uint8_t* in, size_t n, char* out)
{
	size_t i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
		*out++ = ALPHABET[(v >> 18) & 63];
		*out++ = ALPHABET[(v >> 12) & 63];
		*out++ = ALPHABET[(v >> 6) & 63];
		*out++ = ALPHABET[v & 63];
	}

	size_t rest = n - i;
	if (rest == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		*out++ = ALPHABET[(v >> 18) & 63];
		*out++ = ALPHABET[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	}
	else if (rest == 2) {
		uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
		*out++ = ALPHABET[(v >> 18) & 63];
		*out++ = ALPHABET[(v >> 12) & 63];
		*out++ = ALPHABET[(v >> 6) & 63];
		*out++ = '=';
	}
}

bool as_base64_decode(const char* in, size_t n, uint8_t* out, size_t* out_len)
{
	const unsigned char* s = (const unsigned char*)in;
	size_t w = 0;

	if (out_len) {
		*out_len = 0;
	}
	if (n % 4 != 0) {
		return false;
	}

	for (size_t i = 0; i < n; i += 4) {
		bool last = i + 4 == n;
		int a = sextet(s[i]);
		int b = sextet(s[i + 1]);

		if (a < 0 || b < 0) {
			return false;
		}

		/* Padding: "xx==" carries one byte, "xxx=" two, only at the end. */
		if (last && s[i + 2] == '=' && s[i + 3] == '=') {
			if (b & 0x0f) {
				return false;
			}
			out[w++] = (uint8_t)((a << 2) | (b >> 4));
			break;
		}

		int c = sextet(s[i + 2]);
		if (c < 0) {
			return false;
		}
		if (last && s[i + 3] == '=') {
			if (c & 0x03) {
				return false;
			}
			out[w++] = (uint8_t)((a << 2) | (b >> 4));
			out[w++] = (uint8_t)(((b & 0x0f) << 4) | (c >> 2));
			break;
		}

		int d = sextet(s[i + 3]);
		if (d < 0) {
			return false;
		}
		out[w++] = (uint8_t)((a << 2) | (b >> 4));
		out[w++] = (uint8_t)(((b & 0x0f) << 4) | (c >> 2));
		out[w++] = (uint8_t)(((c & 0x03) << 6) | d);
	}

	if (out_len) {
		*out_len = w;
	}
	return true;
}
