// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl limits { show | set }
 */
#include <stdio.h>
#include <string.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static const struct limit {
	int type;
	const char *word;	/* command line and plain output */
	const char *key;	/* JSON */
} limits[] = {
	{ MHO_LIMITS_A_MAX_PKTS,	"max-pkts",	"max_pkts" },
	{ MHO_LIMITS_A_MAX_BYTES,	"max-bytes",	"max_bytes" },
	{ MHO_LIMITS_A_MAX_HOLD_MS,	"max-hold",	"max_hold_ms" },
	{ MHO_LIMITS_A_MAX_BINDINGS,	"max-bindings",	"max_bindings" },
	{ MHO_LIMITS_A_MAX_PEERS,	"max-peers",	"max_peers" },
	{ MHO_LIMITS_A_TOTAL_PKTS,	"total-pkts",	"total_pkts" },
	{ MHO_LIMITS_A_TOTAL_BYTES,	"total-bytes",	"total_bytes" },
	{ MHO_LIMITS_A_CACHE_MS,	"cache-ms",	"cache_ms" },
	{ MHO_LIMITS_A_CACHE_PKTS,	"cache-pkts",	"cache_pkts" },
	{ MHO_LIMITS_A_CACHE_TOTAL,	"cache-total",	"cache_total" },
};
#define N_LIMITS (sizeof(limits) / sizeof(limits[0]))

/* The keyword of a MHO_LIMITS_A_* attribute, NULL if unknown. */
const char *limit_word(int type)
{
	size_t i;

	for (i = 0; i < N_LIMITS; i++)
		if (limits[i].type == type)
			return limits[i].word;
	return NULL;
}

static int get_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *lt[MHO_LIMITS_A_MAX + 1];
	struct limit_values *out = arg;
	int type;

	(void)cmd;
	if (!tb[MHO_A_LIMITS])
		return 0;
	if (mho_parse_nested(lt, MHO_LIMITS_A_MAX, tb[MHO_A_LIMITS]) < 0)
		return print_err("malformed limits from the kernel");
	for (type = 1; type <= MHO_LIMITS_A_MAX; type++) {
		out->has[type] = lt[type];
		out->v[type] = mho_get_uint(lt[type]);
	}
	return 0;
}

int limits_get(struct limit_values *out)
{
	memset(out, 0, sizeof(*out));
	return mho_request(mho_msg(MHO_CMD_LIMITS_GET, 0), get_cb, out);
}

static int limits_usage(void)
{
	fputs("Usage: mhoctl limits show\n"
	      "       mhoctl limits set [max-pkts N] [max-bytes N] [max-hold MS]\n"
	      "                         [max-bindings N] [max-peers N]\n"
	      "                         [total-pkts N] [total-bytes N]\n"
	      "                         [cache-ms MS] [cache-pkts N] [cache-total N]\n",
	      stdout);
	return 0;
}

int print_limits_attrs(const struct nlattr *nest)
{
	struct nlattr *tb[MHO_LIMITS_A_MAX + 1];
	char fmt[32];
	size_t i;

	if (mho_parse_nested(tb, MHO_LIMITS_A_MAX, nest) < 0)
		return -1;
	print_plain("limits");
	for (i = 0; i < N_LIMITS; i++) {
		if (!tb[limits[i].type])
			continue;
		snprintf(fmt, sizeof(fmt), " %s %%llu", limits[i].word);
		print_u64(limits[i].key, fmt, mho_get_uint(tb[limits[i].type]));
	}
	return 0;
}

static int show_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	(void)arg;
	if (!tb[MHO_A_LIMITS])
		return 0;
	open_json_object(NULL);
	if (print_limits_attrs(tb[MHO_A_LIMITS]) < 0) {
		print_err("malformed limits from the kernel");
		return -1;
	}
	close_json_object();
	print_plain("\n");
	print_json_end();
	return 0;
}

/* The message of "limits set ...". */
int limits_msg(int argc, char **argv, struct nl_msg **out)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct {
		bool set;
		uint32_t v;
	} val[N_LIMITS];
	size_t i;

	memset(val, 0, sizeof(val));
	for (; argc > 0; argc--, argv++) {
		for (i = 0; i < N_LIMITS; i++)
			if (!strcmp(*argv, limits[i].word))
				break;
		if (i == N_LIMITS)
			return print_err("limits set: unknown argument \"%s\"",
					 *argv);
		NEXT_ARG(limits[i].word);
		if (parse_u32(limits[i].word, *argv, &val[i].v) < 0)
			return -1;
		val[i].set = true;
	}
	msg = mho_msg(MHO_CMD_LIMITS_SET, 0);
	nest = mho_nest_start(msg, MHO_A_LIMITS);
	for (i = 0; i < N_LIMITS; i++) {
		if (!val[i].set)
			continue;
		mho_word(msg, limits[i].word);
		mho_put_u32(msg, limits[i].type, val[i].v);
	}
	mho_nest_end(msg, nest);
	*out = msg;
	return 0;
}

static int limits_set(int argc, char **argv)
{
	struct nl_msg *msg;

	if (limits_msg(argc, argv, &msg) < 0)
		return -1;
	return mho_request(msg, NULL, NULL);
}

int do_limits(int argc, char **argv)
{
	if (argc < 1 || matches(*argv, "show", 1) || matches(*argv, "list", 1)) {
		if (argc > 1)
			return print_err("limits show: unexpected \"%s\"",
					 argv[1]);
		return mho_request(mho_msg(MHO_CMD_LIMITS_GET, 0), show_cb, NULL);
	}
	if (matches(*argv, "set", 2) || matches(*argv, "change", 1))
		return limits_set(argc - 1, argv + 1);
	if (matches(*argv, "help", 1))
		return limits_usage();
	return print_err("limits: unknown command \"%s\", try \"mhoctl limits help\"",
			 *argv);
}
