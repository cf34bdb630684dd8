// SPDX-License-Identifier: GPL-2.0
/*
 * Plain and JSON output. The JSON writer is tiny: a stack of "has this
 * container got a member yet" flags and, for -p, indentation.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "print.h"

#define MAX_DEPTH 16

static bool json;
static bool pretty;
static int depth;
static bool has_member[MAX_DEPTH];

void print_init(bool j, bool p)
{
	json = j;
	pretty = p;
	depth = 0;
}

bool print_is_json(void)
{
	return json;
}

static void indent(void)
{
	int i;

	if (!pretty)
		return;
	putchar('\n');
	for (i = 0; i < depth; i++)
		fputs("  ", stdout);
}

static void json_escape_to(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void json_escape(const char *s)
{
	json_escape_to(stdout, s);
}

/* Start a member (or array element): comma, indentation, key. */
static void member(const char *key)
{
	if (depth > 0) {
		if (has_member[depth - 1])
			putchar(',');
		has_member[depth - 1] = true;
		indent();
	}
	if (key) {
		json_escape(key);
		putchar(':');
		if (pretty)
			putchar(' ');
	}
}

static void open_container(const char *key, char c)
{
	if (!json)
		return;
	member(key);
	putchar(c);
	if (depth < MAX_DEPTH)
		has_member[depth] = false;
	depth++;
}

static void close_container(char c)
{
	if (!json)
		return;
	depth--;
	if (depth < MAX_DEPTH && has_member[depth])
		indent();
	putchar(c);
}

void open_json_array(const char *key)
{
	open_container(key, '[');
}

void close_json_array(void)
{
	close_container(']');
}

void open_json_object(const char *key)
{
	open_container(key, '{');
}

void close_json_object(void)
{
	close_container('}');
}

void print_string(const char *key, const char *fmt, const char *s)
{
	if (json) {
		if (key) {
			member(key);
			json_escape(s);
		}
	} else if (fmt) {
		printf(fmt, s);
	}
}

void print_u64(const char *key, const char *fmt, uint64_t v)
{
	if (json) {
		if (key) {
			member(key);
			printf("%llu", (unsigned long long)v);
		}
	} else if (fmt) {
		printf(fmt, (unsigned long long)v);
	}
}

void print_addr(const char *key, const char *word, const struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!a)
		return;
	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	if (json) {
		member(key);
		json_escape(buf);
	} else {
		if (word)
			printf(" %s %s", word, buf);
		else
			fputs(buf, stdout);
	}
}

void print_plain(const char *fmt, ...)
{
	va_list ap;

	if (json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void print_json_end(void)
{
	if (json && depth == 0)
		putchar('\n');
	fflush(stdout);
}

void listing_item_begin(struct listing *l)
{
	if (!l->started)
		open_json_array(NULL);
	l->started = true;
	open_json_object(NULL);
}

void listing_item_end(struct listing *l)
{
	(void)l;
	close_json_object();
	print_plain("\n");
}

void listing_finish(struct listing *l, int ret)
{
	if (json) {
		if (l->started) {
			close_json_array();
		} else if (ret == 0) {
			open_json_array(NULL);
			close_json_array();
		} else {
			/* A failed request prints nothing on stdout. */
			fflush(stdout);
			return;
		}
	}
	print_json_end();
}

static bool error_json;
static const char *error_file;
static unsigned long error_line;

void print_error_json(bool j)
{
	error_json = j;
}

void print_error_where(const char *file, unsigned long line)
{
	error_file = file;
	error_line = line;
}

/* The policy's bounds, " (allowed 1..5)", into buf ("" if none). */
static void error_range(const struct error_info *e, char *buf, size_t size)
{
	*buf = '\0';
	if (e->has_urange)
		snprintf(buf, size, " (allowed %llu..%llu)",
			 (unsigned long long)e->umin,
			 (unsigned long long)e->umax);
	else if (e->has_srange)
		snprintf(buf, size, " (allowed %lld..%lld)",
			 (long long)e->smin, (long long)e->smax);
	else if (e->len_unit && e->min_len && e->max_len)
		snprintf(buf, size, " (%u..%u %s)", e->min_len, e->max_len,
			 e->len_unit);
	else if (e->len_unit && e->max_len)
		snprintf(buf, size, " (at most %u %s)", e->max_len,
			 e->len_unit);
	else if (e->len_unit && e->min_len)
		snprintf(buf, size, " (at least %u %s)", e->min_len,
			 e->len_unit);
}

static void error_member(const char *key, const char *s)
{
	fputc(',', stderr);
	json_escape_to(stderr, key);
	fputc(':', stderr);
	json_escape_to(stderr, s);
}

static void error_number(const char *key, unsigned long long v)
{
	fputc(',', stderr);
	json_escape_to(stderr, key);
	fprintf(stderr, ":%llu", v);
}

static void error_signed(const char *key, long long v)
{
	fputc(',', stderr);
	json_escape_to(stderr, key);
	fprintf(stderr, ":%lld", v);
}

static void verror(const struct error_info *e, const char *fmt, va_list ap)
{
	static const struct error_info none;
	char text[1024], range[96];
	int n = 0;

	if (!e)
		e = &none;
	if (e->attr && e->policy)
		n = snprintf(text, sizeof(text), "%s: ", e->attr);
	vsnprintf(text + n, sizeof(text) - n, fmt, ap);
	error_range(e, range, sizeof(range));
	strncat(text, range, sizeof(text) - strlen(text) - 1);
	fflush(stdout);
	if (!error_json) {
		/* Only setconf sets a place in plain mode (-batch: -j only). */
		if (error_file)
			fprintf(stderr, "Error: %s:%lu: %s\n", error_file,
				error_line, text);
		else
			fprintf(stderr, "Error: %s\n", text);
		return;
	}
	fputs("{\"error\":", stderr);
	json_escape_to(stderr, text);
	if (e->errnum)
		error_number("errno", e->errnum);
	if (e->message)
		error_member("message", e->message);
	if (e->attr)
		error_member("attribute", e->attr);
	if (e->has_urange) {
		error_number("min", e->umin);
		error_number("max", e->umax);
	} else if (e->has_srange) {
		error_signed("min", e->smin);
		error_signed("max", e->smax);
	} else if (e->len_unit) {
		if (e->min_len)
			error_number("min_length", e->min_len);
		if (e->max_len)
			error_number("max_length", e->max_len);
	}
	if (error_file) {
		error_member("file", error_file);
		error_number("line", error_line);
	}
	fputs("}\n", stderr);
}

void print_error(const struct error_info *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(e, fmt, ap);
	va_end(ap);
}

int print_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(NULL, fmt, ap);
	va_end(ap);
	return -1;
}
