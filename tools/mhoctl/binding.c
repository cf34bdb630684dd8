// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl binding { add | change | del | show }
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static int binding_usage(void)
{
	fputs("Usage: mhoctl binding add [id ID] role par|nar|ha [hoa ADDR] [coa ADDR]\n"
	      "                          [ncoa ADDR] [peer ADDR] [HANDOFF]\n"
	      "       mhoctl binding change { id ID | match ADDR } [hoa ADDR|none]\n"
	      "                          [coa ADDR|none] [ncoa ADDR|none]\n"
	      "                          [peer ADDR|none] [HANDOFF]\n"
	      "       mhoctl binding del { id ID | match ADDR }\n"
	      "       mhoctl binding show [ id ID | match ADDR ]\n"
	      "HANDOFF := [max-pkts N] [max-bytes N] [max-hold MS] [state STATE]\n"
	      "           [bicast ADDR[,ADDR...]|none] [rate PPS] [linger MS]\n"
	      "           [marker-wait MS] [cache-ms MS]\n"
	      "STATE := { idle | buffer | forward | bicast | end | linger | hold |\n"
	      "           release }\n", stdout);
	return 0;
}

static const char *const role_names[] = {
	[MHO_ROLE_PAR] = "par",
	[MHO_ROLE_NAR] = "nar",
	[MHO_ROLE_HA] = "ha",
};

static const char *const state_names[] = {
	[MHO_STATE_IDLE] = "idle",
	[MHO_STATE_BUFFER] = "buffer",
	[MHO_STATE_FORWARD] = "forward",
	[MHO_STATE_BICAST] = "bicast",
	[MHO_STATE_END] = "end",
	[MHO_STATE_LINGER] = "linger",
	[MHO_STATE_HOLD] = "hold",
	[MHO_STATE_RELEASE] = "release",
};

/* The name of a state, or NULL for a number this mhoctl does not know. */
const char *state_name(unsigned int state)
{
	return state <= MHO_STATE_MAX ? state_names[state] : NULL;
}

/* The name of a role, or NULL for a number this mhoctl does not know. */
const char *role_name(unsigned int role)
{
	return role >= MHO_ROLE_PAR && role <= MHO_ROLE_MAX ?
	       role_names[role] : NULL;
}

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
	bool has_state;
	uint8_t state;
	bool has_bicast;
	unsigned int n_bicast;	/* 0: "bicast none" */
	struct in6_addr bicast[MHO_BICAST_MAX];
	struct {
		int type;
		const char *word;
		bool set;
		uint32_t v;
	} u32s[4];
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
		.u32s = {
			{ MHO_BINDING_A_RATE, "rate", false, 0 },
			{ MHO_BINDING_A_LINGER_MS, "linger", false, 0 },
			{ MHO_BINDING_A_MARKER_WAIT_MS, "marker-wait", false, 0 },
			{ MHO_BINDING_A_CACHE_MS, "cache-ms", false, 0 },
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
	return print_err("role: \"%s\" is not one of par, nar, ha", s);
}

static int parse_state(const char *s, uint8_t *state)
{
	uint32_t v;
	int i;

	for (i = 0; i <= MHO_STATE_MAX; i++) {
		if (!strcmp(s, state_names[i])) {
			*state = i;
			return 0;
		}
	}
	/* Like role: a number is passed through for the kernel to check. */
	if (*s >= '0' && *s <= '9' && !parse_u32("state", s, &v) && v <= 255) {
		*state = v;
		return 0;
	}
	return print_err("state: \"%s\" is not one of idle, buffer, forward, bicast, end, linger, hold, release",
			 s);
}

/* "none", or 1 to MHO_BICAST_MAX addresses separated by commas. */
static int parse_bicast(const char *s, struct binding_args *b)
{
	char word[INET6_ADDRSTRLEN];
	const char *p = s, *end;
	unsigned int n = 0;
	size_t len;

	b->n_bicast = 0;
	if (!strcmp(s, "none"))
		return 0;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (!len)
			return print_err("bicast: \"%s\" has an empty address",
					 s);
		if (n == MHO_BICAST_MAX)
			return print_err("bicast: \"%s\" has more than %d addresses",
					 s, MHO_BICAST_MAX);
		if (len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
		}
		if (len >= sizeof(word) ||
		    inet_pton(AF_INET6, word, &b->bicast[n]) != 1)
			return print_err("bicast: \"%.*s\" is not an IPv6 address",
					 (int)len, p);
		n++;
		if (!end)
			break;
		p = end + 1;
	}
	b->n_bicast = n;
	return 0;
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
		if (!strcmp(kw, "state") && attrs) {
			NEXT_ARG(kw);
			if (parse_state(*argv, &b->state) < 0)
				return -1;
			b->has_state = true;
			continue;
		}
		if (!strcmp(kw, "bicast") && attrs) {
			NEXT_ARG(kw);
			if (parse_bicast(*argv, b) < 0)
				return -1;
			b->has_bicast = true;
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
		for (i = 0; attrs && i < ARRAY_SIZE(b->u32s) && !done; i++) {
			if (strcmp(kw, b->u32s[i].word))
				continue;
			NEXT_ARG(kw);
			if (parse_u32(kw, *argv, &b->u32s[i].v) < 0)
				return -1;
			b->u32s[i].set = true;
			done = true;
		}
		if (!done)
			return print_err("binding %s: unknown argument \"%s\"",
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
	if (b->has_id) {
		mho_word(msg, "id");
		mho_put_u32(msg, MHO_BINDING_A_ID, b->id);
	}
	if (b->has_match) {
		mho_word(msg, "match");
		mho_put_addr(msg, MHO_BINDING_A_MATCH, &b->match);
	}
	if (b->has_role) {
		mho_word(msg, "role");
		mho_put_u8(msg, MHO_BINDING_A_ROLE, b->role);
	}
	for (i = 0; i < 4; i++) {
		if (!b->addrs[i].set)
			continue;
		mho_word(msg, b->addrs[i].word);
		mho_put_addr(msg, b->addrs[i].type, &b->addrs[i].a);
	}
	for (i = 0; i < 3; i++) {
		if (!b->limits[i].set)
			continue;
		if (!lim)
			lim = mho_nest_start(msg, MHO_BINDING_A_LIMITS);
		mho_word(msg, b->limits[i].word);
		mho_put_u32(msg, b->limits[i].type, b->limits[i].v);
	}
	if (lim)
		mho_nest_end(msg, lim);
	if (b->has_state) {
		mho_word(msg, "state");
		mho_put_u8(msg, MHO_BINDING_A_STATE, b->state);
	}
	/* "bicast none" is an attribute of length 0: it clears the list. */
	if (b->has_bicast) {
		mho_word(msg, "bicast");
		mho_put_bin(msg, MHO_BINDING_A_BICAST,
			    b->n_bicast * sizeof(b->bicast[0]), b->bicast);
	}
	for (i = 0; i < ARRAY_SIZE(b->u32s); i++) {
		if (!b->u32s[i].set)
			continue;
		mho_word(msg, b->u32s[i].word);
		mho_put_u32(msg, b->u32s[i].type, b->u32s[i].v);
	}
	mho_nest_end(msg, nest);
	return msg;
}

static const struct in6_addr *binding_addr(const struct nlattr *a)
{
	const struct in6_addr *addr = mho_get_addr(a);

	return addr && !IN6_IS_ADDR_UNSPECIFIED(addr) ? addr : NULL;
}

/*
 * Per-binding counters: -s prints them on two more lines, and a third for
 * a home agent binding.
 */
static const struct counter {
	int type;
	const char *word;	/* plain output */
	const char *key;	/* JSON */
} traffic_ctrs[] = {
	{ MHO_CTR_A_HELD,		"held",		"held" },
	{ MHO_CTR_A_FORWARDED,		"forwarded",	"forwarded" },
	{ MHO_CTR_A_COPIED,		"copied",	"copied" },
	{ MHO_CTR_A_RELEASED,		"released",	"released" },
	{ MHO_CTR_A_TUNNEL_RX,		"tunnel-rx",	"tunnel_rx" },
	{ MHO_CTR_A_DUPLICATES,		"duplicates",	"duplicates" },
	{ MHO_CTR_A_MARKERS_TX,		"markers-tx",	"markers_tx" },
	{ MHO_CTR_A_MARKERS_RX,		"markers-rx",	"markers_rx" },
	{ MHO_CTR_A_FRAG_FOLLOWED,	"frag-followed", "frag_followed" },
}, drop_ctrs[] = {
	{ MHO_CTR_A_DROP_LIMIT,		"drop-limit",	"drop_limit" },
	{ MHO_CTR_A_DROP_TOTAL,		"drop-total",	"drop_total" },
	{ MHO_CTR_A_DROP_EXPIRED,	"drop-expired",	"drop_expired" },
	{ MHO_CTR_A_DROP_ERROR,		"drop-error",	"drop_error" },
	{ MHO_CTR_A_DROP_TOO_BIG,	"drop-too-big",	"drop_too_big" },
}, ha_ctrs[] = {
	{ MHO_CTR_A_HOME_TUNNELLED,	"home-tunnelled", "home_tunnelled" },
	{ MHO_CTR_A_CACHED,		"cached",	"cached" },
	{ MHO_CTR_A_REFORWARDED,	"reforwarded",	"reforwarded" },
	{ MHO_CTR_A_CACHE_EXPIRED,	"cache-expired", "cache_expired" },
	{ MHO_CTR_A_CACHE_FULL,		"cache-full",	"cache_full" },
	{ MHO_CTR_A_MH_MALFORMED,	"mh-malformed",	"mh_malformed" },
};

/*
 * Print the counters of list that the kernel sent (an older module sends
 * fewer); in plain mode, prefix is printed before the first one.
 */
static void print_counters(struct nlattr **ct, const struct counter *list,
			   size_t n, const char *prefix)
{
	char fmt[32];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!ct[list[i].type])
			continue;
		snprintf(fmt, sizeof(fmt), "%s%s %%llu", prefix, list[i].word);
		print_u64(list[i].key, fmt, mho_get_uint(ct[list[i].type]));
		prefix = " ";
	}
}

/* An optional number: plain output leaves it out when it is 0. */
static void print_u64_nz(const char *key, const char *fmt,
			 const struct nlattr *a)
{
	unsigned long long v;

	if (!a)
		return;
	v = mho_get_uint(a);
	if (v || print_is_json())
		print_u64(key, fmt, v);
}

static void print_state(const char *key, const char *word,
			const struct nlattr *a)
{
	unsigned int state = mho_get_uint(a);
	char fmt[32];

	if (state_name(state)) {
		snprintf(fmt, sizeof(fmt), " %s %%s", word);
		print_string(key, fmt, state_name(state));
	} else {
		snprintf(fmt, sizeof(fmt), " %s %%llu", word);
		print_u64(key, fmt, state);
	}
}

/* The bicast peers: plain " bicast A,B", JSON "bicast":["A","B"]. */
static void print_bicast(const struct nlattr *a)
{
	const struct in6_addr *addr = nla_data(a);
	int i, n = nla_len(a) / (int)sizeof(*addr);

	if (n <= 0)
		return;
	open_json_array("bicast");
	for (i = 0; i < n; i++) {
		print_plain(i ? "," : " bicast ");
		print_addr(NULL, NULL, &addr[i]);
	}
	close_json_array();
}

static const struct counter binding_limits[] = {
	{ MHO_LIMITS_A_MAX_PKTS,	"max-pkts",	"max_pkts" },
	{ MHO_LIMITS_A_MAX_BYTES,	"max-bytes",	"max_bytes" },
	{ MHO_LIMITS_A_MAX_HOLD_MS,	"max-hold",	"max_hold_ms" },
};

/*
 * The binding's limits. Plain: the values in force, each marked
 * "(inherited)" when the binding has none of its own (0) and "(capped)"
 * when its own is above the namespace's; an older module that does not
 * send them gets the binding's own. JSON: "limits", the binding's own (0:
 * inherit, as they are set), and "effective_limits", those in force.
 */
static int print_binding_limits(const struct nlattr *own_nest,
				const struct nlattr *eff_nest)
{
	struct nlattr *own[MHO_LIMITS_A_MAX + 1];
	struct nlattr *eff[MHO_LIMITS_A_MAX + 1];
	unsigned long long o, e;
	char fmt[32];
	size_t i;

	if (!own_nest)
		return 0;
	if (mho_parse_nested(own, MHO_LIMITS_A_MAX, own_nest) < 0 ||
	    (eff_nest && mho_parse_nested(eff, MHO_LIMITS_A_MAX, eff_nest) < 0))
		return -1;
	open_json_object("limits");
	for (i = 0; i < ARRAY_SIZE(binding_limits); i++) {
		o = mho_get_uint(own[binding_limits[i].type]);
		e = eff_nest ? mho_get_uint(eff[binding_limits[i].type]) : o;
		snprintf(fmt, sizeof(fmt), " %s %%llu%s", binding_limits[i].word,
			 !eff_nest || o == e ? "" :
			 !o ? " (inherited)" : " (capped)");
		print_u64(binding_limits[i].key, fmt, print_is_json() ? o : e);
	}
	close_json_object();
	if (!eff_nest || !print_is_json())
		return 0;
	open_json_object("effective_limits");
	for (i = 0; i < ARRAY_SIZE(binding_limits); i++)
		print_u64(binding_limits[i].key, NULL,
			  mho_get_uint(eff[binding_limits[i].type]));
	close_json_object();
	return 0;
}

int print_binding_attrs(const struct nlattr *nest)
{
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
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
	if (print_binding_limits(tb[MHO_BINDING_A_LIMITS],
				 tb[MHO_BINDING_A_EFFECTIVE_LIMITS]) < 0)
		return -1;
	/*
	 * The handoff fields follow, each only when the kernel sent it. Plain
	 * output leaves out what is idle or zero, as ip(8) leaves out
	 * defaults; JSON always has every field the kernel sent.
	 */
	if (tb[MHO_BINDING_A_STATE] &&
	    (print_is_json() ||
	     mho_get_uint(tb[MHO_BINDING_A_STATE]) != MHO_STATE_IDLE))
		print_state("state", "state", tb[MHO_BINDING_A_STATE]);
	if (tb[MHO_BINDING_A_BICAST])
		print_bicast(tb[MHO_BINDING_A_BICAST]);
	print_u64_nz("rate", " rate %llu", tb[MHO_BINDING_A_RATE]);
	print_u64_nz("linger_ms", " linger %llu", tb[MHO_BINDING_A_LINGER_MS]);
	print_u64_nz("marker_wait_ms", " marker-wait %llu",
		     tb[MHO_BINDING_A_MARKER_WAIT_MS]);
	print_u64_nz("queued_pkts", " queued-pkts %llu",
		     tb[MHO_BINDING_A_QUEUED_PKTS]);
	print_u64_nz("queued_bytes", " queued-bytes %llu",
		     tb[MHO_BINDING_A_QUEUED_BYTES]);
	print_u64_nz("cache_ms", " cache-ms %llu", tb[MHO_BINDING_A_CACHE_MS]);
	print_u64_nz("cached_pkts", " cached-pkts %llu",
		     tb[MHO_BINDING_A_CACHED_PKTS]);
	print_u64_nz("ctx_sas", " pending-sas %llu", tb[MHO_BINDING_A_CTX_SAS]);
	print_u64_nz("ctx_policies", " pending-policies %llu",
		     tb[MHO_BINDING_A_CTX_POLICIES]);
	if (tb[MHO_BINDING_A_STATS] && (opt_stats || print_is_json())) {
		if (mho_parse_nested(ct, MHO_CTR_A_MAX,
				     tb[MHO_BINDING_A_STATS]) < 0)
			return -1;
		open_json_object("stats");
		print_u64("rx_pkts", "\n    rx %llu packets",
			  mho_get_uint(ct[MHO_CTR_A_RX_PKTS]));
		print_u64("rx_bytes", " %llu bytes",
			  mho_get_uint(ct[MHO_CTR_A_RX_BYTES]));
		print_counters(ct, traffic_ctrs, ARRAY_SIZE(traffic_ctrs), " ");
		print_counters(ct, drop_ctrs, ARRAY_SIZE(drop_ctrs), "\n    ");
		/* The home agent's are all 0 for the other roles. */
		if (print_is_json() || (tb[MHO_BINDING_A_ROLE] &&
					mho_get_uint(tb[MHO_BINDING_A_ROLE]) ==
					MHO_ROLE_HA))
			print_counters(ct, ha_ctrs, ARRAY_SIZE(ha_ctrs),
				       "\n    ");
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
		print_err("malformed binding from the kernel");
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

/* The message of "binding add ..." (words after "add"). */
int binding_add_msg(int argc, char **argv, struct nl_msg **out)
{
	struct binding_args b;

	if (binding_parse("add", argc, argv, false, true, false, &b))
		return -1;
	*out = binding_msg(MHO_CMD_BINDING_NEW, 0, &b);
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
			return print_err("binding show: give id or match, not both");
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
		if (!b.has_id && !b.has_match)
			return print_err("binding del: id or match is required");
		return mho_request(binding_msg(MHO_CMD_BINDING_DEL, 0, &b),
				   NULL, NULL);
	}
	if (matches(verb, "help", 1))
		return binding_usage();
	return print_err("binding: unknown command \"%s\", try \"mhoctl binding help\"",
			 verb);
}
