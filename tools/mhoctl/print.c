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

static void json_escape(const char *s)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
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
		}
	}
	print_json_end();
}
