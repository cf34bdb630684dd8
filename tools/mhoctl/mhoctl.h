/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhoctl - control tool for the mho kernel module.
 *
 * Shared declarations: global options, argument helpers and the entry
 * point of each object (one file per object, like wireguard-tools).
 */
#ifndef MHOCTL_H
#define MHOCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <linux/mho.h>

#ifndef MHOCTL_VERSION
#define MHOCTL_VERSION "0.1"
#endif

/* Global options (mhoctl.c). */
extern bool opt_json;		/* -j */
extern bool opt_pretty;		/* -p */
extern bool opt_stats;		/* -s */

/*
 * Each object handler gets the words after the object name and returns 0
 * on success or -1 after it printed why it failed; monitor returns
 * MHOCTL_EXIT_GONE when the module was unloaded under it.
 */
#define MHOCTL_EXIT_GONE 2
int do_peer(int argc, char **argv);
int do_binding(int argc, char **argv);
int do_limits(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_context(int argc, char **argv);
int do_showconf(int argc, char **argv);
int do_setconf(int argc, char **argv);

/*
 * The request of one command line, parsed and built but not sent (0), or
 * -1 after printing why the words are wrong; setconf checks a whole file
 * with them before it sends anything. verb and cmd as in "peer VERB".
 */
struct nl_msg;
int peer_msg(uint8_t cmd, const char *verb, int argc, char **argv,
	     struct nl_msg **out);
int binding_add_msg(int argc, char **argv, struct nl_msg **out);
int limits_msg(int argc, char **argv, struct nl_msg **out);

/*
 * Split a -batch or configuration line into words, in place (mhoctl.c).
 * Returns the count, -1 on an unterminated quote, -2 for more than max.
 */
int split_line(char *line, char **argv, int max);

/*
 * Object printers shared by "show" and "monitor": they print the members
 * of one object (plain: the words of its line, without a newline; JSON:
 * the members, inside an object the caller opened). -1 if malformed.
 */
struct nlattr;
int print_peer_attrs(const struct nlattr *nest);
int print_binding_attrs(const struct nlattr *nest);
int print_limits_attrs(const struct nlattr *nest);

/* The name of an enum mho_state value, NULL if unknown (binding.c). */
const char *state_name(unsigned int state);
/* The same for enum mho_role (binding.c). */
const char *role_name(unsigned int role);
/* The keyword of a MHO_LIMITS_A_* attribute, NULL if unknown (limits.c). */
const char *limit_word(int type);
/* The netns-wide limits by attribute; has[]: the module sent it. */
struct limit_values {
	bool has[MHO_LIMITS_A_MAX + 1];
	uint32_t v[MHO_LIMITS_A_MAX + 1];
};
int limits_get(struct limit_values *out);

/*
 * Argument helpers (mhoctl.c). Those that fail print "Error: ..." with
 * print_err() (print.h) and return -1.
 */
bool matches(const char *arg, const char *word, size_t min);
int parse_u32(const char *key, const char *s, uint32_t *out);
int parse_addr(const char *key, const char *s, struct in6_addr *out,
	       const char *const *none_words);

/* Words that mean "the unspecified address" for optional addresses. */
extern const char *const none_words[];	/* "none" */
extern const char *const any_words[];	/* "any", "none" */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NEXT_ARG(key)							\
	do {								\
		argc--;							\
		argv++;							\
		if (argc <= 0)						\
			return print_err("\"%s\" needs an argument",	\
					 key);				\
	} while (0)

/* The same, where a message is built already: jump to @label to free it. */
#define NEXT_ARG_OR(key, label)						\
	do {								\
		argc--;							\
		argv++;							\
		if (argc <= 0) {					\
			print_err("\"%s\" needs an argument", key);	\
			goto label;					\
		}							\
	} while (0)

#endif /* MHOCTL_H */
