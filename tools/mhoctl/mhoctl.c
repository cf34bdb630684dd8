// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl - control tool for the mho kernel module.
 *
 *   mhoctl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * This file holds the option parser, the object table, -batch and the
 * argument helpers; each object lives in its own file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mhoctl.h"
#include "print.h"

bool opt_json;
bool opt_pretty;
bool opt_stats;

const char *const none_words[] = { "none", NULL };
const char *const any_words[] = { "any", "none", NULL };

static const char usage_text[] =
	"Usage: mhoctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	"       mhoctl [OPTIONS] -batch FILE\n"
	"OBJECT := { peer | binding | limits | stats | monitor | context |\n"
	"           showconf | setconf | help }\n"
	"OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -n[etns] NAME |\n"
	"             -b[atch] FILE | -f[orce] | -V[ersion] | -h[elp] }\n"
	"\n"
	"  mhoctl peer add ADDR [name NAME] [local ADDR]\n"
	"  mhoctl peer change ADDR [name NAME|none] [local ADDR|any]\n"
	"  mhoctl peer del ADDR\n"
	"  mhoctl peer show [ADDR]\n"
	"  mhoctl binding add [id ID] role par|nar|ha [hoa ADDR] [coa ADDR]\n"
	"                     [ncoa ADDR] [peer ADDR] [HANDOFF]\n"
	"  mhoctl binding change { id ID | match ADDR } [hoa ADDR|none]\n"
	"                     [coa ADDR|none] [ncoa ADDR|none] [peer ADDR|none]\n"
	"                     [HANDOFF]\n"
	"  mhoctl binding del { id ID | match ADDR }\n"
	"  mhoctl binding show [ id ID | match ADDR ]\n"
	"  mhoctl limits show\n"
	"  mhoctl limits set [max-pkts N] [max-bytes N] [max-hold MS]\n"
	"                    [max-bindings N] [max-peers N] [total-pkts N]\n"
	"                    [total-bytes N] [cache-ms MS] [cache-pkts N]\n"
	"                    [cache-total N]\n"
	"  mhoctl stats [show]\n"
	"  mhoctl monitor [-t] [all | OBJECT...] [id ID | match ADDR]\n"
	"                 [peer ADDR] [type TYPE[,TYPE...]]\n"
	"  mhoctl context export { id ID | match ADDR } [ar ADDR]\n"
	"                     [dispose keep|delete|inactive|leaving] [file FILE|-]\n"
	"  mhoctl context import { id ID | match ADDR } file FILE|-\n"
	"                     new-ar ADDR [new-coa ADDR]\n"
	"                     [mode reactive|predictive] [seq-margin N]\n"
	"  mhoctl context { activate | drop } { id ID | match ADDR }\n"
	"  mhoctl context move coa ADDR new-coa ADDR ar ADDR new-ar ADDR\n"
	"                     [spi OLD:NEW]... [seq-margin N]\n"
	"  mhoctl context show file FILE|- [keys]\n"
	"  mhoctl showconf\n"
	"  mhoctl setconf FILE|-\n"
	"HANDOFF := [max-pkts N] [max-bytes N] [max-hold MS] [state STATE]\n"
	"           [bicast ADDR[,ADDR...]|none] [rate PPS] [linger MS]\n"
	"           [marker-wait MS] [cache-ms MS]\n"
	"STATE := { idle | buffer | forward | bicast | end | linger | hold |\n"
	"           release }\n"
	"\"mhoctl OBJECT help\" shows the usage of one object.\n";

/* True if arg is word or a prefix of it at least min characters long. */
bool matches(const char *arg, const char *word, size_t min)
{
	size_t n = strlen(arg);

	return n >= min && n <= strlen(word) && !strncmp(arg, word, n);
}

int parse_u32(const char *key, const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return print_err("%s: \"%s\" is not a number", key, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return print_err("%s: \"%s\" is not a number", key, s);
	if (errno == ERANGE || v > UINT32_MAX)
		return print_err("%s: \"%s\" does not fit in 32 bits",
				 key, s);
	*out = v;
	return 0;
}

int parse_addr(const char *key, const char *s, struct in6_addr *out,
	       const char *const *none)
{
	for (; none && *none; none++) {
		if (!strcmp(s, *none)) {
			memset(out, 0, sizeof(*out));
			return 0;
		}
	}
	if (inet_pton(AF_INET6, s, out) != 1)
		return print_err("%s: \"%s\" is not an IPv6 address", key, s);
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(usage_text, stdout);
	return 0;
}

static const struct object {
	const char *name;
	size_t min;
	int (*fn)(int argc, char **argv);
} objects[] = {
	{ "peer",	1, do_peer },
	{ "binding",	1, do_binding },
	{ "limits",	1, do_limits },
	{ "stats",	2, do_stats },
	{ "monitor",	1, do_monitor },
	{ "context",	1, do_context },
	{ "showconf",	5, do_showconf },
	{ "setconf",	4, do_setconf },
	{ "help",	1, do_help },
};

static int run(int argc, char **argv)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (matches(argv[0], objects[i].name, objects[i].min)) {
			print_init(opt_json, opt_pretty);
			ret = objects[i].fn(argc - 1, argv + 1);
			fflush(stdout);
			return ret;
		}
	}
	return print_err("object \"%s\" is unknown, try \"mhoctl help\"",
			 argv[0]);
}

/*
 * Split a batch line into words: blanks separate, '...' and "..." quote
 * (so name '' is an empty word), '#' outside quotes starts a comment.
 * Returns the word count, -1 on an unterminated quote, -2 for too many.
 */
int split_line(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		char quote = 0;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == max)
			return -2;
		argv[argc++] = w;
		while (*r) {
			if (quote) {
				if (*r == quote)
					quote = 0;
				else
					*w++ = *r;
				r++;
				continue;
			}
			if (*r == ' ' || *r == '\t' || *r == '\n' ||
			    *r == '\r')
				break;
			if (*r == '\'' || *r == '"')
				quote = *r;
			else
				*w++ = *r;
			r++;
		}
		if (quote)
			return -1;
		if (*r)
			r++;
		*w++ = '\0';
	}
	return argc;
}

static int do_batch(const char *name, bool force)
{
	FILE *f = stdin;
	char *line = NULL, *argv[128];
	size_t cap = 0;
	unsigned long lineno = 0;
	int argc, errors = 0;

	if (strcmp(name, "-")) {
		f = fopen(name, "r");
		if (!f) {
			print_err("cannot open \"%s\": %s",
				  name, strerror(errno));
			return 1;
		}
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		argc = split_line(line, argv, sizeof(argv) / sizeof(argv[0]));
		if (argc == 0)
			continue;
		/* -j: each error says where; plain: a line after it. */
		if (opt_json)
			print_error_where(name, lineno);
		if (argc == -1)
			print_err("unterminated quote");
		else if (argc == -2)
			print_err("too many arguments");
		if (argc < 0 || run(argc, argv) != 0) {
			if (!opt_json)
				fprintf(stderr, "Command failed %s:%lu\n",
					name, lineno);
			errors++;
			if (!force)
				break;
		}
	}
	print_error_where(NULL, 0);
	free(line);
	if (f != stdin)
		fclose(f);
	return errors ? 1 : 0;
}

static int switch_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name) {
		print_err("empty network namespace name");
		return -1;
	}
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		print_err("cannot open network namespace \"%s\": %s",
			  name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		print_err("setting the network namespace \"%s\" failed: %s",
			  name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *batch = NULL;
	bool force = false;
	int ret;

	while (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		const char *opt = argv[1] + 1;

		if (*opt == '-')
			opt++;
		if (matches(opt, "json", 1)) {
			opt_json = true;
			print_error_json(true);
		} else if (matches(opt, "pretty", 1)) {
			opt_pretty = true;
			opt_json = true;
			print_error_json(true);
		} else if (matches(opt, "statistics", 1) ||
			   matches(opt, "stats", 1)) {
			opt_stats = true;
		} else if (matches(opt, "netns", 1)) {
			if (argc < 3) {
				print_err("option \"%s\" needs a name", argv[1]);
				return 1;
			}
			if (switch_netns(argv[2]) < 0)
				return 1;
			argc--;
			argv++;
		} else if (matches(opt, "batch", 1)) {
			if (argc < 3) {
				print_err("option \"%s\" needs a file", argv[1]);
				return 1;
			}
			batch = argv[2];
			argc--;
			argv++;
		} else if (matches(opt, "force", 1)) {
			force = true;
		} else if (!strcmp(opt, "V") || matches(opt, "Version", 2) ||
			   matches(opt, "version", 1)) {
			printf("mhoctl %s (mho generic netlink version %d)\n",
			       MHOCTL_VERSION, MHO_GENL_VERSION);
			return 0;
		} else if (matches(opt, "help", 1)) {
			fputs(usage_text, stdout);
			return 0;
		} else {
			print_err("option \"%s\" is unknown, try \"mhoctl -help\"",
				  argv[1]);
			return 1;
		}
		argc--;
		argv++;
	}

	if (batch) {
		if (argc > 1) {
			print_err("-batch takes no command line");
			return 1;
		}
		return do_batch(batch, force);
	}
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 1;
	}
	ret = run(argc - 1, argv + 1);
	return ret < 0 ? 1 : ret;
}
