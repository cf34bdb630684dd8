// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl monitor: print the notifications of the "events" group, one line
 * (plain) or one JSON object (-j) each, flushed as it comes; with -t each
 * begins with the time it was received. Objects and filters choose which
 * (like "ip monitor OBJECT... dev DEV"); monitor ends when the module is
 * unloaded.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mhoctl.h"
#include "nl.h"
#include "print.h"

static bool timestamps;

/* What to print: objects (OBJ_*), and the filters. */
enum { OBJ_PEER = 1, OBJ_BINDING = 2, OBJ_LIMITS = 4, OBJ_EVENT = 8 };
static struct {
	unsigned int objects;
	unsigned int types;		/* event types, bit per type; 0: all */
	bool has_id, has_match, has_peer;
	uint32_t id;
	struct in6_addr match, peer;
	/*
	 * With match or peer: the ids of the bindings that pass now, from a
	 * dump at start and then the notifications, for the events, which
	 * name the binding by its id only. Sorted.
	 */
	uint32_t *ids;
	size_t n_ids, cap_ids;
} filter;

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

static const char usage[] =
	"Usage: mhoctl monitor [-t] [all | OBJECT...] [id ID | match ADDR]\n"
	"                      [peer ADDR] [type TYPE[,TYPE...]]\n"
	"OBJECT := { peer | binding | limits | event }\n"
	"TYPE := { state | overflow | attach | marker | expired | reforward |\n"
	"          cache-full | context | cut | marker-lost }\n";

/* ---- the filters -------------------------------------------------------- */

static bool ids_find(uint32_t id, size_t *pos)
{
	size_t lo = 0, hi = filter.n_ids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (filter.ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < filter.n_ids && filter.ids[lo] == id;
}

static void ids_update(uint32_t id, bool in)
{
	size_t pos;

	if (ids_find(id, &pos) == in)
		return;
	if (!in) {
		memmove(&filter.ids[pos], &filter.ids[pos + 1],
			(filter.n_ids - pos - 1) * sizeof(*filter.ids));
		filter.n_ids--;
		return;
	}
	if (filter.n_ids == filter.cap_ids) {
		filter.cap_ids = filter.cap_ids ? 2 * filter.cap_ids : 64;
		filter.ids = realloc(filter.ids,
				     filter.cap_ids * sizeof(*filter.ids));
		if (!filter.ids) {
			print_err("out of memory");
			exit(1);
		}
	}
	memmove(&filter.ids[pos + 1], &filter.ids[pos],
		(filter.n_ids - pos) * sizeof(*filter.ids));
	filter.ids[pos] = id;
	filter.n_ids++;
}

static bool binding_filtered(void)
{
	return filter.has_id || filter.has_match || filter.has_peer;
}

static bool addr_is(const struct nlattr *a, const struct in6_addr *want)
{
	const struct in6_addr *addr = mho_get_addr(a);

	return addr && !memcmp(addr, want, sizeof(*addr));
}

/*
 * Does a binding (the nest of a notification or of the dump) pass id,
 * match and peer? Its id in *id (0 if it has none).
 */
static bool binding_passes(const struct nlattr *nest, uint32_t *id)
{
	struct nlattr *bt[MHO_BINDING_A_MAX + 1];

	*id = 0;
	if (mho_parse_nested(bt, MHO_BINDING_A_MAX, nest) < 0 ||
	    !bt[MHO_BINDING_A_ID])
		return false;
	*id = mho_get_uint(bt[MHO_BINDING_A_ID]);
	if (filter.has_id && *id != filter.id)
		return false;
	if (filter.has_match && !addr_is(bt[MHO_BINDING_A_HOA], &filter.match) &&
	    !addr_is(bt[MHO_BINDING_A_COA], &filter.match) &&
	    !addr_is(bt[MHO_BINDING_A_NCOA], &filter.match))
		return false;
	return !filter.has_peer || addr_is(bt[MHO_BINDING_A_PEER], &filter.peer);
}

/* With match or peer, the events follow the bindings that pass. */
static bool tracking(void)
{
	return filter.has_match || filter.has_peer;
}

static int dump_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	uint32_t id;

	(void)cmd;
	(void)arg;
	if (tb[MHO_A_BINDING] && binding_passes(tb[MHO_A_BINDING], &id))
		ids_update(id, true);
	return 0;
}

/* A notification about a binding: track it, and say whether it passes. */
static bool binding_notification_passes(uint8_t cmd, const struct nlattr *nest)
{
	uint32_t id;
	bool pass = binding_passes(nest, &id);

	if (tracking() && id)
		ids_update(id, pass && cmd != MHO_CMD_BINDING_DEL);
	return pass && (filter.objects & OBJ_BINDING);
}

static bool event_passes(const struct nlattr *nest)
{
	struct nlattr *et[MHO_EVENT_A_MAX + 1];
	unsigned int type;
	uint32_t id;
	size_t pos;

	if (!(filter.objects & OBJ_EVENT))
		return false;
	if (!filter.types && !binding_filtered())
		return true;
	/* A malformed event is printed as such, unless filtered. */
	if (mho_parse_nested(et, MHO_EVENT_A_MAX, nest) < 0)
		return false;
	type = mho_get_uint(et[MHO_EVENT_A_TYPE]);
	if (filter.types && (type >= 32 || !(filter.types & (1u << type))))
		return false;
	if (!binding_filtered())
		return true;
	if (!et[MHO_EVENT_A_BINDING])
		return false;
	id = mho_get_uint(et[MHO_EVENT_A_BINDING]);
	if (tracking())
		return ids_find(id, &pos);
	return id == filter.id;
}

static bool peer_passes(const struct nlattr *nest)
{
	struct nlattr *pt[MHO_PEER_A_MAX + 1];

	if (!(filter.objects & OBJ_PEER) || filter.has_id || filter.has_match)
		return false;
	if (!filter.has_peer)
		return true;
	return mho_parse_nested(pt, MHO_PEER_A_MAX, nest) >= 0 &&
	       addr_is(pt[MHO_PEER_A_ADDR], &filter.peer);
}

/* ---- printing ----------------------------------------------------------- */

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
		if (!tb[MHO_A_EVENT] || !event_passes(tb[MHO_A_EVENT]))
			return 0;
		if (print_event(tb[MHO_A_EVENT]) < 0) {
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
		if (!peer_passes(nest))
			return 0;
	} else if (tb[MHO_A_BINDING]) {
		object = "binding";
		nest = tb[MHO_A_BINDING];
		print_attrs = print_binding_attrs;
		if (!binding_notification_passes(cmd, nest))
			return 0;
	} else if (tb[MHO_A_LIMITS]) {
		object = "limits";
		nest = tb[MHO_A_LIMITS];
		print_attrs = print_limits_attrs;
		if (!(filter.objects & OBJ_LIMITS) || binding_filtered())
			return 0;
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

/* "state,marker": a bit per event type. */
static int parse_types(const char *s)
{
	const char *p = s, *end;
	size_t len;
	int t;

	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		for (t = 1; t <= MHO_EVENT_MAX; t++)
			if (strlen(event_names[t]) == len &&
			    !strncmp(p, event_names[t], len))
				break;
		if (t > MHO_EVENT_MAX)
			return print_err("type: \"%.*s\" is not an event type, try \"mhoctl monitor help\"",
					 (int)len, p);
		filter.types |= 1u << t;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static int monitor_parse(int argc, char **argv)
{
	static const struct {
		const char *word;
		unsigned int obj;
	} objects[] = {
		{ "all", OBJ_PEER | OBJ_BINDING | OBJ_LIMITS | OBJ_EVENT },
		{ "peer", OBJ_PEER },
		{ "binding", OBJ_BINDING },
		{ "limits", OBJ_LIMITS },
		{ "event", OBJ_EVENT },
	};
	struct in6_addr a;
	size_t i;

	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "-t") || !strcmp(kw, "-timestamp")) {
			timestamps = true;
			continue;
		}
		if (!strcmp(kw, "id")) {
			NEXT_ARG(kw);
			if (parse_u32("id", *argv, &filter.id) < 0)
				return -1;
			filter.has_id = true;
			continue;
		}
		if (!strcmp(kw, "match")) {
			NEXT_ARG(kw);
			if (parse_addr("match", *argv, &filter.match, NULL) < 0)
				return -1;
			filter.has_match = true;
			continue;
		}
		/* "peer ADDR" is the filter, "peer" alone the object. */
		if (!strcmp(kw, "peer") && argc > 1 &&
		    inet_pton(AF_INET6, argv[1], &a) == 1) {
			filter.peer = a;
			filter.has_peer = true;
			argc--;
			argv++;
			continue;
		}
		if (!strcmp(kw, "type")) {
			NEXT_ARG(kw);
			if (parse_types(*argv) < 0)
				return -1;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(objects); i++)
			if (!strcmp(kw, objects[i].word))
				break;
		if (i == ARRAY_SIZE(objects))
			return print_err("monitor: unknown argument \"%s\", try \"mhoctl monitor help\"",
					 kw);
		filter.objects |= objects[i].obj;
	}
	if (filter.has_id && filter.has_match)
		return print_err("monitor: give id or match, not both");
	/* "type" alone watches the events; with objects, it needs event. */
	if (filter.types && !filter.objects)
		filter.objects = OBJ_EVENT;
	if (filter.types && !(filter.objects & OBJ_EVENT))
		return print_err("monitor: \"type\" filters events, and \"event\" is not monitored");
	if (!filter.objects)
		filter.objects = OBJ_PEER | OBJ_BINDING | OBJ_LIMITS | OBJ_EVENT;
	return 0;
}

int do_monitor(int argc, char **argv)
{
	int ret;

	if (argc == 1 && matches(*argv, "help", 1)) {
		fputs(usage, stdout);
		return 0;
	}
	if (monitor_parse(argc, argv) < 0)
		return -1;
	/* One JSON object per line, even with -p. */
	print_init(opt_json, false);
	/*
	 * The bindings that pass now: their events pass too. Joined first,
	 * so that a binding made during the dump is announced, not missed
	 * (and its events with it).
	 */
	if (mho_listen_join() < 0)
		return -1;
	if (tracking() &&
	    mho_request(mho_msg(MHO_CMD_BINDING_GET, NLM_F_DUMP), dump_cb,
			NULL) < 0)
		return -1;
	ret = mho_listen(event_cb, NULL);
	free(filter.ids);
	if (ret <= 0)
		return ret;
	print_err("the mho module was unloaded (generic netlink family \"%s\" removed)",
		  MHO_GENL_NAME);
	return MHOCTL_EXIT_GONE;
}
