// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl monitor: print every notification of the "events" group, one
 * line (plain) or one JSON object (-j) each, flushed as it comes; with
 * -t each begins with the time it was received.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static bool timestamps;

/* -t: plain "[2026-12-04T05:53:00.123456Z] ", JSON "timestamp" (UTC). */
static void print_timestamp(void)
{
	struct timespec ts;
	char day[32], stamp[64];
	struct tm tm;

	if (!timestamps)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, sizeof(stamp), "%s.%06dZ", day,
		 (int)(ts.tv_nsec / 1000));
	print_string("timestamp", "[%s] ", stamp);
}

static const char *const event_names[] = {
	[MHO_EVENT_STATE] = "state",
	[MHO_EVENT_OVERFLOW] = "overflow",
	[MHO_EVENT_ATTACH] = "attach",
	[MHO_EVENT_MARKER] = "marker",
	[MHO_EVENT_EXPIRED] = "expired",
	[MHO_EVENT_REFORWARD] = "reforward",
	[MHO_EVENT_CACHE_FULL] = "cache-full",
	[MHO_EVENT_CONTEXT] = "context",
	[MHO_EVENT_CUT] = "cut",
	[MHO_EVENT_MARKER_LOST] = "marker-lost",
};

/*
 * MHO_CMD_EVENT: plain
 * "event TYPE binding ID state STATE [dropped N] [count N]",
 * JSON {"event":TYPE,"object":"binding","id":ID,"state":STATE,...}.
 * Each member only when the kernel sent it; unknown types and states are
 * printed as numbers, unknown attributes are skipped.
 */
static int print_event(const struct nlattr *nest)
{
	struct nlattr *et[MHO_EVENT_A_MAX + 1];
	unsigned int type, state;

	if (mho_parse_nested(et, MHO_EVENT_A_MAX, nest) < 0)
		return -1;
	open_json_object(NULL);
	print_timestamp();
	print_plain("event");
	if (et[MHO_EVENT_A_TYPE]) {
		type = mho_get_uint(et[MHO_EVENT_A_TYPE]);
		if (type >= 1 && type <= MHO_EVENT_MAX)
			print_string("event", " %s", event_names[type]);
		else
			print_u64("event", " %llu", type);
	}
	print_string("object", NULL, "binding");
	if (et[MHO_EVENT_A_BINDING])
		print_u64("id", " binding %llu",
			  mho_get_uint(et[MHO_EVENT_A_BINDING]));
	if (et[MHO_EVENT_A_STATE]) {
		state = mho_get_uint(et[MHO_EVENT_A_STATE]);
		if (state_name(state))
			print_string("state", " state %s", state_name(state));
		else
			print_u64("state", " state %llu", state);
	}
	if (et[MHO_EVENT_A_DROPPED])
		print_u64("dropped", " dropped %llu",
			  mho_get_uint(et[MHO_EVENT_A_DROPPED]));
	if (et[MHO_EVENT_A_COUNT])
		print_u64("count", " count %llu",
			  mho_get_uint(et[MHO_EVENT_A_COUNT]));
	close_json_object();
	print_plain("\n");
	print_json_end();
	return 0;
}

static int event_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *event, *object;
	struct nlattr *nest;
	int (*print_attrs)(const struct nlattr *nest);

	(void)arg;
	if (cmd == MHO_CMD_EVENT) {
		if (tb[MHO_A_EVENT] && print_event(tb[MHO_A_EVENT]) < 0) {
			print_plain("event (malformed)\n");
			fflush(stdout);
		}
		return 0;
	}
	switch (cmd) {
	case MHO_CMD_PEER_NEW:
	case MHO_CMD_BINDING_NEW:
		event = "new";
		break;
	case MHO_CMD_PEER_SET:
	case MHO_CMD_BINDING_SET:
	case MHO_CMD_LIMITS_SET:
		event = "set";
		break;
	case MHO_CMD_PEER_DEL:
	case MHO_CMD_BINDING_DEL:
		event = "del";
		break;
	default:
		return 0;
	}
	if (tb[MHO_A_PEER]) {
		object = "peer";
		nest = tb[MHO_A_PEER];
		print_attrs = print_peer_attrs;
	} else if (tb[MHO_A_BINDING]) {
		object = "binding";
		nest = tb[MHO_A_BINDING];
		print_attrs = print_binding_attrs;
	} else if (tb[MHO_A_LIMITS]) {
		object = "limits";
		nest = tb[MHO_A_LIMITS];
		print_attrs = print_limits_attrs;
	} else {
		return 0;
	}
	open_json_object(NULL);
	print_timestamp();
	print_string("event", NULL, event);
	print_string("object", NULL, object);
	print_plain("[%s] ", event[0] == 'n' ? "NEW" :
			     event[0] == 's' ? "SET" : "DEL");
	if (print_attrs(nest) < 0)
		print_plain("(malformed)");
	close_json_object();
	print_plain("\n");
	print_json_end();
	return 0;
}

int do_monitor(int argc, char **argv)
{
	if (argc == 1 && matches(*argv, "help", 1)) {
		fputs("Usage: mhoctl monitor [all] [-t]\n", stdout);
		return 0;
	}
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "-t") || !strcmp(*argv, "-timestamp"))
			timestamps = true;
		else if (!matches(*argv, "all", 1))
			return print_err("monitor: unexpected \"%s\"", *argv);
	}
	/* One JSON object per line, even with -p. */
	print_init(opt_json, false);
	return mho_listen(event_cb, NULL);
}
