// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl showconf: the module's configuration (in the network namespace
 * mhoctl runs in) as a file that "mhoctl setconf" applies, like
 * "wg showconf". The file is mhoctl commands, one a line (mho.conf(5)):
 *
 *   limits set ...              every netns-wide limit
 *   peer add ADDR ...           each peer, by address
 *   binding add id ID ...       each idle binding, by id
 *
 * What is configuration: the limits; a peer's address, name and local
 * address; an idle binding's id, role, addresses, peer, limits, bicast
 * peers, rate, linger, marker wait and cache time. What is not (runtime
 * state): counters, queues, pending contexts, and a binding in any state
 * but idle, a handoff in progress that ends or expires by itself: such a
 * binding is left out, with a comment line that says so.
 *
 * Peers are sorted by address and bindings by id, so that the same
 * configuration always gives the same file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

enum { ITEM_LIMITS, ITEM_PEER, ITEM_BINDING };

struct item {
	int kind;
	struct in6_addr addr;	/* a peer's: the order of peers */
	uint32_t id;		/* a binding's: the order of bindings */
	char *text;		/* its line(s), newline included */
};

struct showconf {
	struct item *v;
	size_t n, cap;
};

static int showconf_usage(void)
{
	fputs("Usage: mhoctl showconf\n"
	      "Prints the limits, peers and idle bindings as a file for\n"
	      "\"mhoctl setconf FILE\" (mho.conf(5)).\n", stdout);
	return 0;
}

/* Start an item; its line is written to the returned stream. */
static FILE *item_open(struct showconf *c, int kind, char **buf, size_t *len)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct item *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	c->v[c->n].kind = kind;
	return open_memstream(buf, len);
}

/* Close the item's stream: *buf is its text from then on. */
static int item_close(struct showconf *c, FILE *f, char **buf)
{
	if (fclose(f) || !*buf) {
		free(*buf);
		return print_err("showconf: out of memory");
	}
	c->v[c->n++].text = *buf;
	return 0;
}

static void put_addr(FILE *f, const char *word, const struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!a || IN6_IS_ADDR_UNSPECIFIED(a))
		return;
	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	fprintf(f, " %s %s", word, buf);
}

/*
 * A word that setconf's splitter reads back as it was: bare if it can
 * be, else in single quotes ('\'' as '"'"', as in sh).
 */
static void put_word(FILE *f, const char *s)
{
	const char *p;
	bool bare = *s;

	for (p = s; *p; p++)
		if (*p <= ' ' || *p == '\'' || *p == '"' || *p == '#' ||
		    *p == 0x7f)
			bare = false;
	if (bare) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\"'\"'", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

static int put_limits(struct showconf *c)
{
	struct limit_values l;
	char *buf = NULL;
	size_t len;
	FILE *f;
	int type;

	if (limits_get(&l) < 0)
		return -1;
	f = item_open(c, ITEM_LIMITS, &buf, &len);
	if (!f)
		return print_err("showconf: out of memory");
	fputs("limits set", f);
	for (type = 1; type <= MHO_LIMITS_A_MAX; type++)
		if (l.has[type] && limit_word(type))
			fprintf(f, " %s %u", limit_word(type), l.v[type]);
	fputc('\n', f);
	return item_close(c, f, &buf);
}

static int peer_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *pt[MHO_PEER_A_MAX + 1];
	const struct in6_addr *addr;
	char name[MHO_NAME_LEN * 4], abuf[INET6_ADDRSTRLEN];
	struct showconf *c = arg;
	char *buf = NULL;
	size_t len, n = 0;
	FILE *f;

	(void)cmd;
	if (!tb[MHO_A_PEER])
		return 0;
	if (mho_parse_nested(pt, MHO_PEER_A_MAX, tb[MHO_A_PEER]) < 0 ||
	    !(addr = mho_get_addr(pt[MHO_PEER_A_ADDR])))
		return print_err("malformed peer from the kernel");
	if (pt[MHO_PEER_A_NAME]) {
		n = strnlen(nla_data(pt[MHO_PEER_A_NAME]),
			    nla_len(pt[MHO_PEER_A_NAME]));
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, nla_data(pt[MHO_PEER_A_NAME]), n);
	}
	name[n] = '\0';
	inet_ntop(AF_INET6, addr, abuf, sizeof(abuf));
	if (strpbrk(name, "\n\r"))
		return print_err("showconf: peer %s: its name has a line break, which no configuration line can hold",
				 abuf);
	if (!strcmp(name, "none"))
		return print_err("showconf: peer %s: its name is \"none\", which \"peer add\" reads as no name",
				 abuf);
	f = item_open(c, ITEM_PEER, &buf, &len);
	if (!f)
		return print_err("showconf: out of memory");
	c->v[c->n].addr = *addr;
	fprintf(f, "peer add %s", abuf);
	if (n) {
		fputs(" name ", f);
		put_word(f, name);
	}
	put_addr(f, "local", mho_get_addr(pt[MHO_PEER_A_LOCAL]));
	fputc('\n', f);
	return item_close(c, f, &buf);
}

static void put_nonzero(FILE *f, const char *word, const struct nlattr *a)
{
	if (a && mho_get_uint(a))
		fprintf(f, " %s %llu", word,
			(unsigned long long)mho_get_uint(a));
}

static int binding_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	static const struct {
		int type;
		const char *word;
	} addrs[] = {
		{ MHO_BINDING_A_HOA, "hoa" },
		{ MHO_BINDING_A_COA, "coa" },
		{ MHO_BINDING_A_NCOA, "ncoa" },
		{ MHO_BINDING_A_PEER, "peer" },
	}, u32s[] = {
		{ MHO_BINDING_A_RATE, "rate" },
		{ MHO_BINDING_A_LINGER_MS, "linger" },
		{ MHO_BINDING_A_MARKER_WAIT_MS, "marker-wait" },
		{ MHO_BINDING_A_CACHE_MS, "cache-ms" },
	};
	struct nlattr *bt[MHO_BINDING_A_MAX + 1];
	struct nlattr *lt[MHO_LIMITS_A_MAX + 1];
	struct showconf *c = arg;
	unsigned int role, state = MHO_STATE_IDLE;
	char *buf = NULL;
	size_t len, i;
	FILE *f;
	int type;

	(void)cmd;
	if (!tb[MHO_A_BINDING])
		return 0;
	if (mho_parse_nested(bt, MHO_BINDING_A_MAX, tb[MHO_A_BINDING]) < 0 ||
	    !bt[MHO_BINDING_A_ID] || !bt[MHO_BINDING_A_ROLE])
		return print_err("malformed binding from the kernel");
	f = item_open(c, ITEM_BINDING, &buf, &len);
	if (!f)
		return print_err("showconf: out of memory");
	c->v[c->n].id = mho_get_uint(bt[MHO_BINDING_A_ID]);
	if (bt[MHO_BINDING_A_STATE])
		state = mho_get_uint(bt[MHO_BINDING_A_STATE]);
	if (state != MHO_STATE_IDLE) {
		fprintf(f, "# binding %u (state ", c->v[c->n].id);
		if (state_name(state))
			fputs(state_name(state), f);
		else
			fprintf(f, "%u", state);
		fputs(") left out: a handoff in progress is not configuration\n",
		      f);
		return item_close(c, f, &buf);
	}
	fprintf(f, "binding add id %u", c->v[c->n].id);
	role = mho_get_uint(bt[MHO_BINDING_A_ROLE]);
	if (role_name(role))
		fprintf(f, " role %s", role_name(role));
	else
		fprintf(f, " role %u", role);
	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		put_addr(f, addrs[i].word, mho_get_addr(bt[addrs[i].type]));
	/* Per-binding limits: 0 inherits the netns-wide one. */
	if (bt[MHO_BINDING_A_LIMITS]) {
		if (mho_parse_nested(lt, MHO_LIMITS_A_MAX,
				     bt[MHO_BINDING_A_LIMITS]) < 0) {
			fclose(f);
			free(buf);
			return print_err("malformed binding from the kernel");
		}
		for (type = 1; type <= MHO_LIMITS_A_MAX; type++)
			if (limit_word(type))
				put_nonzero(f, limit_word(type), lt[type]);
	}
	if (bt[MHO_BINDING_A_BICAST]) {
		const struct in6_addr *a = nla_data(bt[MHO_BINDING_A_BICAST]);
		int k, n = nla_len(bt[MHO_BINDING_A_BICAST]) / (int)sizeof(*a);
		char s[INET6_ADDRSTRLEN];

		for (k = 0; k < n; k++)
			fprintf(f, "%s%s", k ? "," : " bicast ",
				inet_ntop(AF_INET6, &a[k], s, sizeof(s)));
	}
	for (i = 0; i < ARRAY_SIZE(u32s); i++)
		put_nonzero(f, u32s[i].word, bt[u32s[i].type]);
	fputc('\n', f);
	return item_close(c, f, &buf);
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int d;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	d = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (d)
		return d;
	return x->id < y->id ? -1 : x->id > y->id;
}

int do_showconf(int argc, char **argv)
{
	struct showconf c = { NULL };
	size_t i;
	int ret;

	if (argc > 0 && matches(*argv, "help", 1))
		return showconf_usage();
	if (argc > 0)
		return print_err("showconf: unexpected \"%s\"", *argv);
	if (opt_json)
		return print_err("showconf: the configuration is plain text, -j does not apply");
	ret = put_limits(&c);
	if (!ret)
		ret = mho_request(mho_msg(MHO_CMD_PEER_GET, NLM_F_DUMP),
				  peer_cb, &c);
	if (!ret)
		ret = mho_request(mho_msg(MHO_CMD_BINDING_GET, NLM_F_DUMP),
				  binding_cb, &c);
	if (!ret) {
		qsort(c.v, c.n, sizeof(c.v[0]), item_cmp);
		fputs("# mho configuration (mhoctl showconf): mhoctl setconf FILE applies it\n",
		      stdout);
		for (i = 0; i < c.n; i++)
			fputs(c.v[i].text, stdout);
	}
	for (i = 0; i < c.n; i++)
		free(c.v[i].text);
	free(c.v);
	return ret;
}
