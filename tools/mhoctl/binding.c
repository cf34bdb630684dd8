// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl binding { add | change | del | show }
 */
#include <stdio.h>
#include <string.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static int binding_usage(void)
{
	fputs("Usage: mhoctl binding add [id ID] role par|nar|ha [hoa ADDR] [coa ADDR]\n"
	      "                          [ncoa ADDR] [peer ADDR] [max-pkts N]\n"
	      "                          [max-bytes N] [max-hold MS]\n"
	      "       mhoctl binding change { id ID | match ADDR } [hoa ADDR|none]\n"
	      "                          [coa ADDR|none] [ncoa ADDR|none]\n"
	      "                          [peer ADDR|none] [max-pkts N]\n"
	      "                          [max-bytes N] [max-hold MS]\n"
	      "       mhoctl binding del { id ID | match ADDR }\n"
	      "       mhoctl binding show [ id ID | match ADDR ]\n", stdout);
	return 0;
}

static const char *const role_names[] = {
	[MHO_ROLE_PAR] = "par",
	[MHO_ROLE_NAR] = "nar",
	[MHO_ROLE_HA] = "ha",
};

/* Everything a binding command line can say. */
struct binding_args {
	bool has_id, has_match, has_role;
	uint32_t id;
	struct in6_addr match;
	uint8_t role;
	struct {
		int type;
		const char *word;
		bool set;
		struct in6_addr a;
	} addrs[4];
	struct {
		int type;
		const char *word;
		bool set;
		uint32_t v;
	} limits[3];
};

static void binding_args_init(struct binding_args *b)
{
	static const struct binding_args init = {
		.addrs = {
			{ MHO_BINDING_A_HOA, "hoa", false, IN6ADDR_ANY_INIT },
			{ MHO_BINDING_A_COA, "coa", false, IN6ADDR_ANY_INIT },
			{ MHO_BINDING_A_NCOA, "ncoa", false, IN6ADDR_ANY_INIT },
			{ MHO_BINDING_A_PEER, "peer", false, IN6ADDR_ANY_INIT },
		},
		.limits = {
			{ MHO_LIMITS_A_MAX_PKTS, "max-pkts", false, 0 },
			{ MHO_LIMITS_A_MAX_BYTES, "max-bytes", false, 0 },
			{ MHO_LIMITS_A_MAX_HOLD_MS, "max-hold", false, 0 },
		},
	};

	*b = init;
}

static int parse_role(const char *s, uint8_t *role)
{
	uint32_t v;
	int i;

	for (i = MHO_ROLE_PAR; i <= MHO_ROLE_MAX; i++) {
		if (!strcmp(s, role_names[i])) {
			*role = i;
			return 0;
		}
	}
	/* A number is passed through: the kernel checks the range. */
	if (*s >= '0' && *s <= '9' && !parse_u32("role", s, &v) && v <= 255) {
		*role = v;
		return 0;
	}
	return usage_error("role: \"%s\" is not one of par, nar, ha", s);
}

/*
 * Parse the keywords. what says which are allowed: 's'elector (id/match),
 * 'a'ttributes (role, addresses, limits).
 */
static int binding_parse(const char *verb, int argc, char **argv,
			 bool selectors, bool attrs, bool none_ok,
			 struct binding_args *b)
{
	size_t i;

	binding_args_init(b);
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;
		bool done = false;

		if (!strcmp(kw, "id") && (selectors || attrs)) {
			NEXT_ARG(kw);
			if (parse_u32("id", *argv, &b->id) < 0)
				return -1;
			b->has_id = true;
			continue;
		}
		if (!strcmp(kw, "match") && selectors) {
			NEXT_ARG(kw);
			if (parse_addr("match", *argv, &b->match, NULL) < 0)
				return -1;
			b->has_match = true;
			continue;
		}
		if (!strcmp(kw, "role") && attrs) {
			NEXT_ARG(kw);
			if (parse_role(*argv, &b->role) < 0)
				return -1;
			b->has_role = true;
			continue;
		}
		for (i = 0; attrs && i < 4 && !done; i++) {
			if (strcmp(kw, b->addrs[i].word))
				continue;
			NEXT_ARG(kw);
			if (parse_addr(kw, *argv, &b->addrs[i].a,
				       none_ok ? none_words : NULL) < 0)
				return -1;
			b->addrs[i].set = true;
			done = true;
		}
		for (i = 0; attrs && i < 3 && !done; i++) {
			if (strcmp(kw, b->limits[i].word))
				continue;
			NEXT_ARG(kw);
			if (parse_u32(kw, *argv, &b->limits[i].v) < 0)
				return -1;
			b->limits[i].set = true;
			done = true;
		}
		if (!done)
			return usage_error("binding %s: unknown argument \"%s\"",
					   verb, kw);
	}
	return 0;
}

static struct nl_msg *binding_msg(uint8_t cmd, int flags,
				  const struct binding_args *b)
{
	struct nl_msg *msg = mho_msg(cmd, flags);
	struct nlattr *nest, *lim = NULL;
	size_t i;

	nest = mho_nest_start(msg, MHO_A_BINDING);
	if (b->has_id)
		mho_put_u32(msg, MHO_BINDING_A_ID, b->id);
	if (b->has_match)
		mho_put_addr(msg, MHO_BINDING_A_MATCH, &b->match);
	if (b->has_role)
		mho_put_u8(msg, MHO_BINDING_A_ROLE, b->role);
	for (i = 0; i < 4; i++)
		if (b->addrs[i].set)
			mho_put_addr(msg, b->addrs[i].type, &b->addrs[i].a);
	for (i = 0; i < 3; i++) {
		if (!b->limits[i].set)
			continue;
		if (!lim)
			lim = mho_nest_start(msg, MHO_BINDING_A_LIMITS);
		mho_put_u32(msg, b->limits[i].type, b->limits[i].v);
	}
	if (lim)
		mho_nest_end(msg, lim);
	mho_nest_end(msg, nest);
	return msg;
}

static const struct in6_addr *binding_addr(const struct nlattr *a)
{
	const struct in6_addr *addr = mho_get_addr(a);

	return addr && !IN6_IS_ADDR_UNSPECIFIED(addr) ? addr : NULL;
}

int print_binding_attrs(const struct nlattr *nest)
{
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct nlattr *lt[MHO_LIMITS_A_MAX + 1];
	struct nlattr *ct[MHO_CTR_A_MAX + 1];
	unsigned int role;

	if (mho_parse_nested(tb, MHO_BINDING_A_MAX, nest) < 0 ||
	    !tb[MHO_BINDING_A_ID])
		return -1;
	print_u64("id", "binding %llu", mho_get_uint(tb[MHO_BINDING_A_ID]));
	if (tb[MHO_BINDING_A_ROLE]) {
		role = mho_get_uint(tb[MHO_BINDING_A_ROLE]);
		if (role >= MHO_ROLE_PAR && role <= MHO_ROLE_MAX)
			print_string("role", " role %s", role_names[role]);
		else
			print_u64("role", " role %llu", role);
	}
	print_addr("hoa", "hoa", binding_addr(tb[MHO_BINDING_A_HOA]));
	print_addr("coa", "coa", binding_addr(tb[MHO_BINDING_A_COA]));
	print_addr("ncoa", "ncoa", binding_addr(tb[MHO_BINDING_A_NCOA]));
	print_addr("peer", "peer", binding_addr(tb[MHO_BINDING_A_PEER]));
	if (tb[MHO_BINDING_A_LIMITS]) {
		if (mho_parse_nested(lt, MHO_LIMITS_A_MAX,
				     tb[MHO_BINDING_A_LIMITS]) < 0)
			return -1;
		open_json_object("limits");
		print_u64("max_pkts", " max-pkts %llu",
			  mho_get_uint(lt[MHO_LIMITS_A_MAX_PKTS]));
		print_u64("max_bytes", " max-bytes %llu",
			  mho_get_uint(lt[MHO_LIMITS_A_MAX_BYTES]));
		print_u64("max_hold_ms", " max-hold %llu",
			  mho_get_uint(lt[MHO_LIMITS_A_MAX_HOLD_MS]));
		close_json_object();
	}
	if (tb[MHO_BINDING_A_STATS] && (opt_stats || print_is_json())) {
		if (mho_parse_nested(ct, MHO_CTR_A_MAX,
				     tb[MHO_BINDING_A_STATS]) < 0)
			return -1;
		open_json_object("stats");
		print_u64("rx_pkts", "\n    rx %llu packets",
			  mho_get_uint(ct[MHO_CTR_A_RX_PKTS]));
		print_u64("rx_bytes", " %llu bytes",
			  mho_get_uint(ct[MHO_CTR_A_RX_BYTES]));
		close_json_object();
	}
	return 0;
}

static int show_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	if (!tb[MHO_A_BINDING])
		return 0;
	listing_item_begin(arg);
	if (print_binding_attrs(tb[MHO_A_BINDING]) < 0) {
		fprintf(stderr, "mhoctl: malformed binding from the kernel\n");
		return -1;
	}
	listing_item_end(arg);
	return 0;
}

/* BINDING_NEW without an id: print the one the kernel picked. */
static int new_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *bt[MHO_BINDING_A_MAX + 1];

	(void)cmd;
	(void)arg;
	if (!tb[MHO_A_BINDING] ||
	    mho_parse_nested(bt, MHO_BINDING_A_MAX, tb[MHO_A_BINDING]) < 0 ||
	    !bt[MHO_BINDING_A_ID])
		return 0;
	open_json_object(NULL);
	print_u64("id", "binding %llu\n", mho_get_uint(bt[MHO_BINDING_A_ID]));
	close_json_object();
	print_json_end();
	return 0;
}

int do_binding(int argc, char **argv)
{
	struct listing l = { false };
	struct binding_args b;
	const char *verb;
	int ret;

	if (argc < 1 || matches(*argv, "show", 1) || matches(*argv, "list", 1)) {
		if (argc > 0) {
			argc--;
			argv++;
		}
		if (binding_parse("show", argc, argv, true, false, false, &b))
			return -1;
		if (b.has_id && b.has_match)
			return usage_error("binding show: give id or match, not both");
		ret = mho_request(b.has_id || b.has_match ?
				  binding_msg(MHO_CMD_BINDING_GET, 0, &b) :
				  mho_msg(MHO_CMD_BINDING_GET, NLM_F_DUMP),
				  show_cb, &l);
		listing_finish(&l, ret);
		return ret;
	}
	verb = *argv;
	argc--;
	argv++;
	if (matches(verb, "add", 1)) {
		if (binding_parse("add", argc, argv, false, true, false, &b))
			return -1;
		return mho_request(binding_msg(MHO_CMD_BINDING_NEW, 0, &b),
				   b.has_id ? NULL : new_cb, NULL);
	}
	if (matches(verb, "change", 1) || matches(verb, "set", 2)) {
		/* role is accepted so that the kernel can refuse it. */
		if (binding_parse("change", argc, argv, true, true, true, &b))
			return -1;
		return mho_request(binding_msg(MHO_CMD_BINDING_SET, 0, &b),
				   NULL, NULL);
	}
	if (matches(verb, "delete", 1) || !strcmp(verb, "del")) {
		if (binding_parse("del", argc, argv, true, false, false, &b))
			return -1;
		return mho_request(binding_msg(MHO_CMD_BINDING_DEL, 0, &b),
				   NULL, NULL);
	}
	if (matches(verb, "help", 1))
		return binding_usage();
	return usage_error("binding: unknown command \"%s\", try \"mhoctl binding help\"",
			   verb);
}
