/* as_info.c: info request framing and reply parsing (see as_info.h). */
#include <aerospike/as_crypto.h>
#include <aerospike/as_info.h>
#include <aerospike/as_proto.h>
#include <stdlib.h>
#include <string.h>

void as_info_request(as_buf* buf, const char* text, size_t len)
{
	if (!as_buf_reserve(buf, AS_PROTO_HEADER_SIZE + len)) {
		return;
	}
	as_proto_write_header(buf->data + buf->len, AS_PROTO_TYPE_INFO, len);
	buf->len += AS_PROTO_HEADER_SIZE;
	as_buf_put(buf, text, len);
}

bool as_info_next_line(const char** cursor, const char* end, as_info_line* line)
{
	const char* p = *cursor;
	if (p >= end) {
		return false;
	}
	const char* nl = memchr(p, '\n', (size_t)(end - p));
	const char* stop = nl ? nl : end;
	const char* tab = memchr(p, '\t', (size_t)(stop - p));
	if (tab) {
		line->name = p;
		line->name_len = (size_t)(tab - p);
		line->value = tab + 1;
		line->value_len = (size_t)(stop - tab - 1);
	}
	else {
		line->name = p;
		line->name_len = 0;
		line->value = p;
		line->value_len = (size_t)(stop - p);
	}
	*cursor = nl ? nl + 1 : end;
	return true;
}

bool as_info_find(const char* reply, size_t len, const char* name, const char** value,
	size_t* value_len)
{
	const char* p = reply;
	const char* end = reply + len;
	size_t n = strlen(name);
	as_info_line line;
	while (as_info_next_line(&p, end, &line)) {
		if (line.name_len == n && memcmp(line.name, name, n) == 0) {
			*value = line.value;
			*value_len = line.value_len;
			return true;
		}
	}
	return false;
}

/* Parses "<code>[:message]" after an ERROR: or FAIL: prefix. */
static int parse_coded(const char* p, const char* end, as_error* err)
{
	int code = 0;
	const char* q = p;
	bool neg = false;
	if (q < end && *q == '-') {
		neg = true;
		q++;
	}
	while (q < end && *q >= '0' && *q <= '9') {
		code = code * 10 + (*q - '0');
		if (code > 100000) {
			break;
		}
		q++;
	}
	if (neg) {
		code = -code;
	}
	if (code == 0) {
		code = 1;
	}
	const char* msg = q;
	if (msg < end && *msg == ':') {
		msg++;
	}
	const char* stop = memchr(msg, '\n', (size_t)(end - msg));
	if (!stop) {
		stop = end;
	}
	as_error_set(err, code, "%.*s", (int)(stop - msg), msg);
	return code;
}

/* A UDF error value, "error=<reason>[;file=F;line=N;message=<b64>]": the
 * message is given as the reference client shows it, with the compiler's
 * message decoded. */
static int udf_error(const char* text, const char* end, as_error* err)
{
	const char* stop = memchr(text, '\n', (size_t)(end - text));
	if (!stop) {
		stop = end;
	}
	const char* msg = NULL;
	for (const char* q = text; q + 8 <= stop; q++) {
		if ((q == text || q[-1] == ';') && memcmp(q, "message=", 8) == 0) {
			msg = q + 8;
			break;
		}
	}
	uint8_t decoded[192];
	size_t n = 0;
	const char* msg_end = msg ? memchr(msg, ';', (size_t)(stop - msg)) : NULL;
	if (!msg_end) {
		msg_end = stop;
	}
	if (msg && (size_t)(msg_end - msg) / 4 * 3 <= sizeof(decoded) &&
		as_base64_decode(msg, (size_t)(msg_end - msg), decoded, &n)) {
		return as_error_set(err, AS_ERR_UDF, "%.*s%.*s%.*s", (int)(msg - text), text, (int)n,
			(const char*)decoded, (int)(stop - msg_end), msg_end);
	}
	return as_error_set(err, AS_ERR_UDF, "%.*s", (int)(stop - text), text);
}

int as_info_check_error(const char* reply, size_t len, as_error* err)
{
	const char* end = reply + len;
	if (len >= 6 && memcmp(reply, "ERROR:", 6) == 0) {
		return parse_coded(reply + 6, end, err);
	}
	for (const char* p = reply; p < end; p++) {
		if (*p != '\t') {
			continue;
		}
		size_t rest = (size_t)(end - p - 1);
		if (rest >= 6 && memcmp(p + 1, "ERROR:", 6) == 0) {
			return parse_coded(p + 7, end, err);
		}
		if (rest >= 5 && memcmp(p + 1, "FAIL:", 5) == 0) {
			return parse_coded(p + 6, end, err);
		}
		if (rest >= 6 && memcmp(p + 1, "error=", 6) == 0) {
			return udf_error(p + 1, end, err);
		}
	}
	return 0;
}
