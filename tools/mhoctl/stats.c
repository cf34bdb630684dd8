// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl stats: the netns-wide state and counters.
 */
#include <stdio.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static int stats_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *st[MHO_STATS_A_MAX + 1];

	(void)cmd;
	(void)arg;
	if (!tb[MHO_A_STATS])
		return 0;
	if (mho_parse_nested(st, MHO_STATS_A_MAX, tb[MHO_A_STATS]) < 0) {
		print_err("malformed stats from the kernel");
		return -1;
	}
	open_json_object(NULL);
	print_plain("stats");
	print_u64("bindings", " bindings %llu",
		  mho_get_uint(st[MHO_STATS_A_BINDINGS]));
	print_u64("peers", " peers %llu", mho_get_uint(st[MHO_STATS_A_PEERS]));
	print_u64("rx_pkts", " rx-pkts %llu",
		  mho_get_uint(st[MHO_STATS_A_RX_PKTS]));
	print_u64("rx_bytes", " rx-bytes %llu",
		  mho_get_uint(st[MHO_STATS_A_RX_BYTES]));
	print_u64("generation", " generation %llu",
		  mho_get_uint(st[MHO_STATS_A_GENERATION]));
	/* Only when the kernel sent them (an older module does not). */
	if (st[MHO_STATS_A_HELD_PKTS])
		print_u64("held_pkts", " held-pkts %llu",
			  mho_get_uint(st[MHO_STATS_A_HELD_PKTS]));
	if (st[MHO_STATS_A_HELD_BYTES])
		print_u64("held_bytes", " held-bytes %llu",
			  mho_get_uint(st[MHO_STATS_A_HELD_BYTES]));
	if (st[MHO_STATS_A_UNTRUSTED])
		print_u64("untrusted", " untrusted %llu",
			  mho_get_uint(st[MHO_STATS_A_UNTRUSTED]));
	if (st[MHO_STATS_A_CACHED_PKTS])
		print_u64("cached_pkts", " cached-pkts %llu",
			  mho_get_uint(st[MHO_STATS_A_CACHED_PKTS]));
	if (st[MHO_STATS_A_CTX_INDEX_ENTRIES])
		print_u64("ctx_index_entries", " ctx-index-entries %llu",
			  mho_get_uint(st[MHO_STATS_A_CTX_INDEX_ENTRIES]));
	if (st[MHO_STATS_A_CTX_INDEX_BUILDS])
		print_u64("ctx_index_builds", " ctx-index-builds %llu",
			  mho_get_uint(st[MHO_STATS_A_CTX_INDEX_BUILDS]));
	if (st[MHO_STATS_A_CTX_INDEX_WALKS])
		print_u64("ctx_index_walks", " ctx-index-walks %llu",
			  mho_get_uint(st[MHO_STATS_A_CTX_INDEX_WALKS]));
	close_json_object();
	print_plain("\n");
	print_json_end();
	return 0;
}

int do_stats(int argc, char **argv)
{
	if (argc == 1 && matches(*argv, "help", 1)) {
		fputs("Usage: mhoctl stats [show]\n", stdout);
		return 0;
	}
	/* "mhoctl stats" and "mhoctl stats show" */
	if (argc > 1 || (argc == 1 && !matches(*argv, "show", 1) &&
			 !matches(*argv, "list", 1)))
		return print_err("stats: unexpected \"%s\"", argv[argc - 1]);
	return mho_request(mho_msg(MHO_CMD_STATS_GET, 0), stats_cb, NULL);
}
