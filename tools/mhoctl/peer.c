// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl peer { add | change | del | show }
 */
#include <stdio.h>
#include <string.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static int peer_usage(void)
{
	fputs("Usage: mhoctl peer add ADDR [name NAME] [local ADDR]\n"
	      "       mhoctl peer change ADDR [name NAME|none] [local ADDR|any]\n"
	      "       mhoctl peer del ADDR\n"
	      "       mhoctl peer show [ADDR]\n", stdout);
	return 0;
}

static bool is_unspec(const struct in6_addr *a)
{
	return a && IN6_IS_ADDR_UNSPECIFIED(a);
}

int print_peer_attrs(const struct nlattr *nest)
{
	struct nlattr *tb[MHO_PEER_A_MAX + 1];
	const struct in6_addr *addr, *local;

	if (mho_parse_nested(tb, MHO_PEER_A_MAX, nest) < 0)
		return -1;
	addr = mho_get_addr(tb[MHO_PEER_A_ADDR]);
	if (!addr)
		return -1;
	print_plain("peer ");
	print_addr("addr", NULL, addr);
	if (tb[MHO_PEER_A_NAME] && nla_len(tb[MHO_PEER_A_NAME]) > 0) {
		char name[MHO_NAME_LEN * 4];
		size_t n = strnlen(nla_data(tb[MHO_PEER_A_NAME]),
				   nla_len(tb[MHO_PEER_A_NAME]));

		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, nla_data(tb[MHO_PEER_A_NAME]), n);
		name[n] = '\0';
		if (n)
			print_string("name", " name %s", name);
	}
	local = mho_get_addr(tb[MHO_PEER_A_LOCAL]);
	if (local && !is_unspec(local))
		print_addr("local", "local", local);
	if (tb[MHO_PEER_A_BINDINGS])
		print_u64("bindings", " bindings %llu",
			  mho_get_uint(tb[MHO_PEER_A_BINDINGS]));
	return 0;
}

static int show_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	if (!tb[MHO_A_PEER])
		return 0;
	listing_item_begin(arg);
	if (print_peer_attrs(tb[MHO_A_PEER]) < 0) {
		print_err("malformed peer from the kernel");
		return -1;
	}
	listing_item_end(arg);
	return 0;
}

static int peer_show(int argc, char **argv)
{
	struct listing l = { false };
	struct in6_addr addr;
	struct nl_msg *msg;
	struct nlattr *nest;
	int ret;

	if (argc > 1)
		return print_err("peer show: unexpected \"%s\"", argv[1]);
	if (argc == 1) {
		if (parse_addr("peer", argv[0], &addr, NULL) < 0)
			return -1;
		msg = mho_msg(MHO_CMD_PEER_GET, 0);
		nest = mho_nest_start(msg, MHO_A_PEER);
		mho_word(msg, "peer");
		mho_put_addr(msg, MHO_PEER_A_ADDR, &addr);
		mho_nest_end(msg, nest);
	} else {
		msg = mho_msg(MHO_CMD_PEER_GET, NLM_F_DUMP);
	}
	ret = mho_request(msg, show_cb, &l);
	listing_finish(&l, ret);
	return ret;
}

/* add, change and del: ADDR first, then keywords. */
int peer_msg(uint8_t cmd, const char *verb, int argc, char **argv,
	     struct nl_msg **out)
{
	struct in6_addr addr, local;
	struct nl_msg *msg;
	struct nlattr *nest;
	const char *name = NULL;
	bool has_local = false;

	if (argc < 1)
		return print_err("peer %s: peer address is required", verb);
	if (parse_addr("peer", argv[0], &addr, NULL) < 0)
		return -1;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		if (cmd != MHO_CMD_PEER_DEL && !strcmp(*argv, "name")) {
			NEXT_ARG("name");
			name = !strcmp(*argv, "none") ? "" : *argv;
		} else if (cmd != MHO_CMD_PEER_DEL && !strcmp(*argv, "local")) {
			NEXT_ARG("local");
			if (parse_addr("local", *argv, &local, any_words) < 0)
				return -1;
			has_local = true;
		} else {
			return print_err("peer %s: unknown argument \"%s\"",
					 verb, *argv);
		}
	}
	msg = mho_msg(cmd, 0);
	nest = mho_nest_start(msg, MHO_A_PEER);
	mho_word(msg, "peer");
	mho_put_addr(msg, MHO_PEER_A_ADDR, &addr);
	if (name) {
		mho_word(msg, "name");
		mho_put_str(msg, MHO_PEER_A_NAME, name);
	}
	if (has_local) {
		mho_word(msg, "local");
		mho_put_addr(msg, MHO_PEER_A_LOCAL, &local);
	}
	mho_nest_end(msg, nest);
	*out = msg;
	return 0;
}

static int peer_modify(uint8_t cmd, const char *verb, int argc, char **argv)
{
	struct nl_msg *msg;

	if (peer_msg(cmd, verb, argc, argv, &msg) < 0)
		return -1;
	return mho_request(msg, NULL, NULL);
}

int do_peer(int argc, char **argv)
{
	if (argc < 1 || matches(*argv, "show", 1) || matches(*argv, "list", 1))
		return peer_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	if (matches(*argv, "add", 1))
		return peer_modify(MHO_CMD_PEER_NEW, "add", argc - 1, argv + 1);
	if (matches(*argv, "change", 1) || matches(*argv, "set", 2))
		return peer_modify(MHO_CMD_PEER_SET, "change", argc - 1,
				   argv + 1);
	if (matches(*argv, "delete", 1) || !strcmp(*argv, "del"))
		return peer_modify(MHO_CMD_PEER_DEL, "del", argc - 1, argv + 1);
	if (matches(*argv, "help", 1))
		return peer_usage();
	return print_err("peer: unknown command \"%s\", try \"mhoctl peer help\"",
			 *argv);
}
