// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl setconf FILE: apply a configuration file (mho.conf(5), what
 * "mhoctl showconf" prints) to the module, like "wg setconf".
 *
 * All or nothing, as far as an operator can tell:
 *  1. every line is parsed and its request built before anything is
 *     sent; each wrong line is reported as FILE:LINE, and if there is one
 *     nothing is sent;
 *  2. the requests go out in the file's order; when the module refuses
 *     one (a value out of its range, a peer or binding that exists), what
 *     the lines before it added is deleted again, in reverse order, and
 *     the limits are set back to what they were.
 * Nothing else is touched: peers and bindings the file does not name stay
 * as they are. setconf is meant for a module that has none of the file's
 * peers and bindings yet, as at boot (mho.service).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

enum { LINE_LIMITS, LINE_PEER, LINE_BINDING };

struct conf_line {
	unsigned long lineno;
	int kind;
	char *text;		/* the line, split into words in place */
	char **argv;		/* its words */
	int argc;
	uint32_t id;		/* a binding's id, from the module's reply */
};

static int setconf_usage(void)
{
	fputs("Usage: mhoctl setconf FILE|-\n"
	      "Applies a configuration file (mho.conf(5), as \"mhoctl showconf\"\n"
	      "prints it): its lines are \"limits set ...\", \"peer add ...\" and\n"
	      "\"binding add ...\". Every line is checked first; a file the module\n"
	      "refuses a line of changes nothing.\n", stdout);
	return 0;
}

/* The file, for errors: "Error: FILE:LINE: ..." (print_error_where()). */
static const char *where_file;

/* A handoff state is runtime state: only "state idle" is configuration. */
static int check_state(int argc, char **argv)
{
	int i;

	for (i = 0; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "state") && strcmp(argv[i + 1], "idle"))
			return print_err("state: only \"idle\" can be configured, \"%s\" is a handoff in progress",
					 argv[i + 1]);
	return 0;
}

/*
 * The request of a line, or -1 after printing why it is wrong. It is built
 * twice: to check the file, then again just before it is sent (nl.c names
 * an attribute the module refuses by the keywords of the request it built
 * last).
 */
static int conf_msg(const struct conf_line *l, struct nl_msg **msg)
{
	char **argv = l->argv;
	int argc = l->argc;

	switch (l->kind) {
	case LINE_LIMITS:
		return limits_msg(argc - 2, argv + 2, msg);
	case LINE_PEER:
		return peer_msg(MHO_CMD_PEER_NEW, "add", argc - 2, argv + 2, msg);
	}
	if (binding_add_msg(argc - 2, argv + 2, msg) < 0)
		return -1;
	if (check_state(argc - 2, argv + 2) < 0) {
		nlmsg_free(*msg);
		return -1;
	}
	return 0;
}

/* Parse one line into l: 1 if it has no words, 0 if valid, -1 if not. */
static int conf_parse(struct conf_line *l)
{
	struct nl_msg *msg;
	char *argv[128];
	int argc;

	argc = split_line(l->text, argv, ARRAY_SIZE(argv));
	if (argc == 0)
		return 1;
	if (argc == -1)
		return print_err("unterminated quote");
	if (argc == -2)
		return print_err("too many words");
	if (argc >= 2 && !strcmp(argv[1], "set") && !strcmp(argv[0], "limits"))
		l->kind = LINE_LIMITS;
	else if (argc >= 2 && !strcmp(argv[1], "add") && !strcmp(argv[0], "peer"))
		l->kind = LINE_PEER;
	else if (argc >= 2 && !strcmp(argv[1], "add") && !strcmp(argv[0], "binding"))
		l->kind = LINE_BINDING;
	else
		return print_err("\"%s%s%s\" is not a configuration line (limits set, peer add, binding add)",
				 argv[0], argc > 1 ? " " : "",
				 argc > 1 ? argv[1] : "");
	l->argv = malloc(argc * sizeof(*l->argv));
	if (!l->argv)
		return print_err("setconf: out of memory");
	memcpy(l->argv, argv, argc * sizeof(*l->argv));
	l->argc = argc;
	if (conf_msg(l, &msg) < 0)
		return -1;
	nlmsg_free(msg);
	return 0;
}

/* binding add: the id of the binding made (the module always replies). */
static int binding_new_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *bt[MHO_BINDING_A_MAX + 1];
	struct conf_line *l = arg;

	(void)cmd;
	if (tb[MHO_A_BINDING] &&
	    !mho_parse_nested(bt, MHO_BINDING_A_MAX, tb[MHO_A_BINDING]) &&
	    bt[MHO_BINDING_A_ID])
		l->id = mho_get_uint(bt[MHO_BINDING_A_ID]);
	return 0;
}

static int undo_line(struct conf_line *l)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	switch (l->kind) {
	case LINE_PEER:
		if (peer_msg(MHO_CMD_PEER_DEL, "del", 1, l->argv + 2, &msg) < 0)
			return -1;
		return mho_request(msg, NULL, NULL);
	case LINE_BINDING:
		if (!l->id)
			return print_err("binding of line %lu: the module did not say its id",
					 l->lineno);
		msg = mho_msg(MHO_CMD_BINDING_DEL, 0);
		nest = mho_nest_start(msg, MHO_A_BINDING);
		mho_put_u32(msg, MHO_BINDING_A_ID, l->id);
		mho_nest_end(msg, nest);
		return mho_request(msg, NULL, NULL);
	}
	return 0;
}

static int restore_limits(const struct limit_values *s)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_LIMITS_SET, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_LIMITS);
	int type;

	for (type = 1; type <= MHO_LIMITS_A_MAX; type++)
		if (s->has[type])
			mho_put_u32(msg, type, s->v[type]);
	mho_nest_end(msg, nest);
	return mho_request(msg, NULL, NULL);
}

/* Apply the lines; on a refusal take back what was applied. */
static int conf_apply(struct conf_line *v, size_t n)
{
	struct limit_values saved;
	bool limits = false, undo_ok = true;
	struct nl_msg *msg;
	size_t i, bad;

	for (i = 0; i < n; i++)
		limits |= v[i].kind == LINE_LIMITS;
	/* Also tells whether the module is there before anything is sent. */
	if (limits_get(&saved) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		print_error_where(where_file, v[i].lineno);
		if (conf_msg(&v[i], &msg) < 0 ||
		    mho_request(msg, v[i].kind == LINE_BINDING ?
				binding_new_cb : NULL, &v[i]) < 0)
			break;
	}
	print_error_where(NULL, 0);
	if (i == n)
		return 0;
	bad = i;
	while (i-- > 0)
		if (undo_line(&v[i]) < 0)
			undo_ok = false;
	if (limits && restore_limits(&saved) < 0)
		undo_ok = false;
	if (!opt_json && undo_ok)
		print_err("%s: line %lu refused, nothing changed", where_file,
			  v[bad].lineno);
	else if (!undo_ok)
		print_err("%s: line %lu refused, and what the lines before it did could not all be undone",
			  where_file, v[bad].lineno);
	return -1;
}

int do_setconf(int argc, char **argv)
{
	struct conf_line *v = NULL;
	size_t n = 0, cap = 0, len = 0, i;
	unsigned long lineno = 0;
	int errors = 0, ret;
	FILE *f = stdin;
	char *text = NULL;

	if (argc > 0 && matches(*argv, "help", 1))
		return setconf_usage();
	if (argc != 1)
		return print_err("setconf: a file is required, and only one");
	where_file = argv[0];
	if (strcmp(where_file, "-")) {
		f = fopen(where_file, "r");
		if (!f)
			return print_err("cannot open \"%s\": %s", where_file,
					 strerror(errno));
	}
	while (getline(&text, &len, f) >= 0) {
		struct conf_line *l;

		lineno++;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			l = realloc(v, cap * sizeof(*v));
			if (!l) {
				errors++;
				print_err("setconf: out of memory");
				break;
			}
			v = l;
		}
		l = &v[n];
		memset(l, 0, sizeof(*l));
		l->lineno = lineno;
		l->text = text;
		text = NULL;
		len = 0;
		print_error_where(where_file, lineno);
		ret = conf_parse(l);
		print_error_where(NULL, 0);
		if (ret < 0)
			errors++;
		if (ret) {
			free(l->argv);
			free(l->text);
		}
		else
			n++;
	}
	free(text);
	if (ferror(f)) {
		print_err("cannot read \"%s\": %s", where_file, strerror(errno));
		errors++;
	}
	if (f != stdin)
		fclose(f);
	if (errors && !opt_json)
		print_err("%s: %d wrong line%s, nothing applied", where_file,
			  errors, errors > 1 ? "s" : "");
	ret = errors ? -1 : conf_apply(v, n);
	for (i = 0; i < n; i++) {
		free(v[i].argv);
		free(v[i].text);
	}
	free(v);
	return ret;
}
