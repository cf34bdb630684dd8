/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers, in the style of iproute2's json_print: each print_*()
 * call names both the JSON key and the plain-text format, and writes
 * whichever the output mode asks for.
 */
#ifndef MHOCTL_PRINT_H
#define MHOCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

void print_init(bool json, bool pretty);
bool print_is_json(void);

/* JSON structure; no-ops in plain mode. key is NULL inside arrays. */
void open_json_array(const char *key);
void close_json_array(void);
void open_json_object(const char *key);
void close_json_object(void);

/* fmt is a printf format for plain mode (NULL: nothing in plain mode). */
void print_string(const char *key, const char *fmt, const char *s);
void print_u64(const char *key, const char *fmt, uint64_t v);
/*
 * An address; plain: " WORD ADDR", or just "ADDR" when word is NULL.
 * Nothing at all for a NULL address.
 */
void print_addr(const char *key, const char *word, const struct in6_addr *a);
/* Plain-mode only text. */
void print_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A "show" listing: in JSON an array of objects ("[]" when empty and
 * nothing at all when the request failed); in plain text one line per
 * object.
 */
struct listing {
	bool started;
};
void listing_item_begin(struct listing *l);
void listing_item_end(struct listing *l);
void listing_finish(struct listing *l, int ret);

/* End of a top-level JSON value: newline, flush. */
void print_json_end(void);

/*
 * Errors. Every error is one line on stderr, "Error: TEXT", or with -j
 * one JSON object, {"error":TEXT,...} with the members below that are
 * known. TEXT is "[ATTR: ]MESSAGE[ (RANGE)]": the attribute is named in
 * the text when its policy rejected it (the kernel's message is generic
 * then), and in JSON whenever it is known.
 */
struct error_info {
	int errnum;		/* errno (positive), 0 if none */
	const char *message;	/* the kernel's extack message, or NULL */
	const char *attr;	/* mhoctl's keyword for the attribute */
	/* The rejected attribute's policy, when the kernel sent it. */
	bool policy;
	bool has_urange, has_srange;
	uint64_t umin, umax;
	int64_t smin, smax;
	const char *len_unit;	/* "characters", "bytes"; NULL: no lengths */
	uint32_t min_len, max_len;	/* 0: no bound */
};

/* -j for errors (set as soon as the option is seen). */
void print_error_json(bool json);
/*
 * The file and line errors are about (NULL: none): in JSON members,
 * in plain text "Error: FILE:LINE: TEXT". -batch sets it with -j only
 * (its plain errors are followed by "Command failed FILE:LINE").
 */
void print_error_where(const char *file, unsigned long line);
void print_error(const struct error_info *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* print_error() with nothing but the text; returns -1. */
int print_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* MHOCTL_PRINT_H */
