// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl context { export | import | activate | drop | move | show }
 *
 * An MN's IPsec context, kept in a file between the routers (the format is
 * in Documentation/context.rst): an 8-byte magic, the version and the
 * length as big-endian 32-bit numbers, then the attributes of the
 * MHO_A_CTX nest in the portable encoding (tools/lib/ctxwire.c), which
 * reads the same on any host. In memory, between the file and the kernel,
 * the context is in the kernel's native form.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "ctxwire.h"
#include "mhoctl.h"
#include "nl.h"
#include "print.h"

#define CTX_MAX_FILE	MHO_CTXW_MAX
#define CTX_MSG_SIZE	(64 << 10)

/*
 * The file's version: 3, the portable encoding. Versions 1 and 2 held the
 * kernel's attributes in the exporting host's byte order, with the
 * version little-endian (2 reads here as 0x02000000).
 */
#define CTX_FILE_VERSION	3

struct ctx_file_hdr {
	char magic[8];
	uint32_t version;	/* big endian */
	uint32_t len;		/* big endian: octets of portable records */
};

struct ctx_buf {
	unsigned char *data;
	size_t len;
};

static int context_usage(void)
{
	fputs("Usage: mhoctl context export { id ID | match ADDR } [ar ADDR]\n"
	      "                       [dispose keep|delete|inactive|leaving] [file FILE|-]\n"
	      "       mhoctl context import { id ID | match ADDR } file FILE|-\n"
	      "                       new-ar ADDR [new-coa ADDR]\n"
	      "                       [mode reactive|predictive] [seq-margin N]\n"
	      "                       [bridge SECONDS]\n"
	      "       mhoctl context activate { id ID | match ADDR }\n"
	      "       mhoctl context drop { id ID | match ADDR }\n"
	      "       mhoctl context move coa ADDR new-coa ADDR ar ADDR new-ar ADDR\n"
	      "                       [spi OLD:NEW]... [seq-margin N] [bridge SECONDS]\n"
	      "       mhoctl context show file FILE|- [keys]\n",
	      stdout);
	return 0;
}

static void buf_wipe(struct ctx_buf *b)
{
	if (b->data) {
		explicit_bzero(b->data, b->len);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
}

/* { id ID | match ADDR }, into the MHO_A_BINDING nest of @msg. */
static int put_binding_key(struct nl_msg *msg, int *argc, char ***argv)
{
	struct in6_addr a;
	struct nlattr *nest;
	uint32_t id;

	if (*argc < 2)
		return print_err("context: give the binding, id ID or match ADDR");
	nest = mho_nest_start(msg, MHO_A_BINDING);
	if (!strcmp(**argv, "id")) {
		if (parse_u32("id", (*argv)[1], &id) < 0)
			return -1;
		mho_word(msg, "id");
		mho_put_u32(msg, MHO_BINDING_A_ID, id);
	} else if (!strcmp(**argv, "match")) {
		if (parse_addr("match", (*argv)[1], &a, NULL) < 0)
			return -1;
		mho_word(msg, "match");
		mho_put_addr(msg, MHO_BINDING_A_MATCH, &a);
	} else {
		return print_err("context: give the binding, id ID or match ADDR");
	}
	mho_nest_end(msg, nest);
	*argc -= 2;
	*argv += 2;
	return 0;
}

/* ---- files -------------------------------------------------------------- */

static int read_all(int fd, struct ctx_buf *b, const char *name)
{
	size_t cap = 4096;
	ssize_t n;

	b->data = malloc(cap);
	b->len = 0;
	if (!b->data)
		goto nomem;
	for (;;) {
		if (b->len == cap) {
			unsigned char *bigger;

			if (cap >= CTX_MAX_FILE + sizeof(struct ctx_file_hdr)) {
				print_err("\"%s\" is too large for a context",
					  name);
				return -1;
			}
			/* Not realloc(): the old buffer is wiped. */
			bigger = malloc(cap * 2);
			if (!bigger)
				goto nomem;
			memcpy(bigger, b->data, b->len);
			explicit_bzero(b->data, b->len);
			free(b->data);
			b->data = bigger;
			cap *= 2;
		}
		n = read(fd, b->data + b->len, cap - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			print_err("cannot read \"%s\": %s", name,
				  strerror(errno));
			return -1;
		}
		if (!n)
			return 0;
		b->len += n;
	}
nomem:
	print_err("out of memory");
	return -1;
}

/*
 * Read a context file into @attrs: its records, checked and turned into
 * the kernel's native attributes. The kernel checks what they say.
 */
static int ctx_read(const char *path, struct ctx_buf *attrs)
{
	struct mho_ctxw_buf nat = {};
	struct ctx_buf raw = {};
	struct ctx_file_hdr h;
	char err[256];
	int fd, ret = -1;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		print_err("cannot open \"%s\": %s", path,
			  strerror(errno));
		return -1;
	}
	if (read_all(fd, &raw, path) < 0)
		goto out;
	if (raw.len < sizeof(h)) {
		print_err("\"%s\" is not a context: too short",
			  path);
		goto out;
	}
	memcpy(&h, raw.data, sizeof(h));
	if (memcmp(h.magic, MHO_CTX_MAGIC, sizeof(h.magic))) {
		print_err("\"%s\" is not a context", path);
		goto out;
	}
	if (be32toh(h.version) != CTX_FILE_VERSION) {
		if (le32toh(h.version) == 2)
			print_err("\"%s\": context version 2 (host byte order, an older mhoctl's) is not supported",
				  path);
		else
			print_err("\"%s\": context version %u is not supported",
				  path, be32toh(h.version));
		goto out;
	}
	if (be32toh(h.len) != raw.len - sizeof(h) || !h.len) {
		print_err("\"%s\": the context is truncated or has trailing data",
			  path);
		goto out;
	}
	if (mho_ctxw_decode(raw.data + sizeof(h), raw.len - sizeof(h), &nat,
			    err, sizeof(err))) {
		print_err("\"%s\": %s", path, err);
		goto out;
	}
	/* ctx_buf's wipe covers len only: hand over a buffer of that size. */
	attrs->data = malloc(nat.len);
	if (!attrs->data) {
		print_err("out of memory");
		goto out;
	}
	memcpy(attrs->data, nat.data, nat.len);
	attrs->len = nat.len;
	ret = 0;
out:
	mho_ctxw_free(&nat);
	buf_wipe(&raw);
	if (fd > 0)
		close(fd);
	return ret;
}

static int write_all(int fd, const void *p, size_t len)
{
	const unsigned char *c = p;
	ssize_t n;

	while (len) {
		n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		c += n;
		len -= n;
	}
	return 0;
}

/*
 * Open @path for a context file: mode 0600, replacing any old one ("-" is
 * standard output). Done before the export request, so that a path that
 * cannot be written fails before the kernel has changed anything.
 */
static int ctx_create(const char *path)
{
	int fd;

	if (!strcmp(path, "-"))
		return 1;
	if (unlink(path) < 0 && errno != ENOENT) {
		print_err("cannot replace \"%s\": %s", path,
			  strerror(errno));
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		print_err("cannot create \"%s\": %s", path,
			  strerror(errno));
	return fd;
}

/*
 * Write @attrs, native, as a context file to @fd, from ctx_create(), and
 * close it.
 */
static int ctx_write(int fd, const char *path, const struct ctx_buf *attrs)
{
	struct mho_ctxw_buf w;
	struct ctx_file_hdr h;
	char msg[256];
	int err = 0;

	if (mho_ctxw_encode(attrs->data, attrs->len, &w, msg, sizeof(msg))) {
		if (fd != 1) {
			close(fd);
			unlink(path);
		}
		print_err("the kernel's context cannot be written: %s", msg);
		return -1;
	}
	memcpy(h.magic, MHO_CTX_MAGIC, sizeof(h.magic));
	h.version = htobe32(CTX_FILE_VERSION);
	h.len = htobe32(w.len);
	if (write_all(fd, &h, sizeof(h)) < 0 ||
	    write_all(fd, w.data, w.len) < 0)
		err = errno;
	mho_ctxw_free(&w);
	if (fd != 1 && close(fd) < 0 && !err)
		err = errno;
	if (err) {
		/* No partial file: an import would refuse it anyway. */
		if (fd != 1)
			unlink(path);
		print_err("cannot write \"%s\": %s", path,
			  strerror(err));
		return -1;
	}
	return 0;
}

/* ---- export ------------------------------------------------------------- */

static int export_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct ctx_buf *b = arg;

	(void)cmd;
	if (!tb[MHO_A_CTX] || b->data) {
		print_err("malformed context from the kernel");
		return -1;
	}
	b->len = nla_len(tb[MHO_A_CTX]);
	b->data = malloc(b->len);
	if (!b->data) {
		print_err("out of memory");
		return -1;
	}
	memcpy(b->data, nla_data(tb[MHO_A_CTX]), b->len);
	return 0;
}

static int count_attrs(const struct ctx_buf *b, int type)
{
	const struct nlattr *a;
	int rem, n = 0;

	nla_for_each_attr(a, (struct nlattr *)b->data, (int)b->len, rem)
		n += nla_type(a) == type;
	return n;
}

static int ctx_export(int argc, char **argv)
{
	static const char *const dispose_words[] = {
		[MHO_CTX_KEEP] = "keep",
		[MHO_CTX_DELETE] = "delete",
		[MHO_CTX_INACTIVE] = "inactive",
		[MHO_CTX_LEAVING] = "leaving",
	};
	struct ctx_buf b = {};
	const char *path = "-";
	struct nlattr *nest;
	struct nl_msg *msg;
	struct in6_addr ar;
	bool have_ar = false;
	int dispose = -1;
	size_t i;
	int ret, fd;

	msg = mho_msg(MHO_CMD_CTX_EXPORT, 0);
	if (put_binding_key(msg, &argc, &argv) < 0)
		goto bad;
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "ar")) {
			NEXT_ARG_OR("ar", bad);
			if (parse_addr("ar", *argv, &ar, NULL) < 0)
				goto bad;
			have_ar = true;
		} else if (!strcmp(*argv, "dispose")) {
			NEXT_ARG_OR("dispose", bad);
			for (i = 0; i < ARRAY_SIZE(dispose_words); i++)
				if (!strcmp(*argv, dispose_words[i]))
					dispose = i;
			if (dispose < 0) {
				print_err("dispose: \"%s\" is not keep, delete, inactive or leaving",
					  *argv);
				goto bad;
			}
		} else if (!strcmp(*argv, "file")) {
			NEXT_ARG_OR("file", bad);
			path = *argv;
		} else {
			print_err("context export: unknown argument \"%s\"",
				  *argv);
			goto bad;
		}
	}
	if (!strcmp(path, "-") && isatty(1)) {
		nlmsg_free(msg);
		print_err("a context holds keys: not writing it to a terminal (use file FILE)");
		return -1;
	}
	fd = ctx_create(path);
	if (fd < 0) {
		nlmsg_free(msg);
		return -1;
	}
	if (have_ar || dispose >= 0) {
		nest = mho_nest_start(msg, MHO_A_CTX);
		if (have_ar) {
			mho_word(msg, "ar");
			mho_put_addr(msg, MHO_CTX_A_AR, &ar);
		}
		if (dispose >= 0) {
			mho_word(msg, "dispose");
			mho_put_u8(msg, MHO_CTX_A_DISPOSE, dispose);
		}
		mho_nest_end(msg, nest);
	}
	ret = mho_request(msg, export_cb, &b);
	if (!ret && !b.data) {
		print_err("the kernel sent no context");
		ret = -1;
	}
	if (!ret) {
		ret = ctx_write(fd, path, &b);
	} else if (fd != 1) {
		close(fd);
		unlink(path);
	}
	if (!ret && strcmp(path, "-"))
		printf("exported %d SAs and %d policies to %s\n",
		       count_attrs(&b, MHO_CTX_A_SA),
		       count_attrs(&b, MHO_CTX_A_POLICY), path);
	buf_wipe(&b);
	return ret;
bad:
	nlmsg_free(msg);
	return -1;
}

/* ---- import, activate, drop, move --------------------------------------- */

static int result_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *ct[MHO_CTX_A_MAX + 1], *st[MHO_SPI_A_MAX + 1];
	const char *what = arg;
	struct nlattr *a;
	int rem;

	(void)cmd;
	if (!tb[MHO_A_CTX] ||
	    mho_parse_nested(ct, MHO_CTX_A_MAX, tb[MHO_A_CTX]) < 0) {
		print_err("malformed reply from the kernel");
		return -1;
	}
	open_json_object(NULL);
	print_string("result", "%s", what);
	print_u64("sas", " %llu SAs", mho_get_uint(ct[MHO_CTX_A_N_SA]));
	print_u64("policies", " %llu policies",
		  mho_get_uint(ct[MHO_CTX_A_N_POLICY]));
	if (ct[MHO_CTX_A_N_BRIDGE])
		print_u64("bridges", " %llu bridging",
			  mho_get_uint(ct[MHO_CTX_A_N_BRIDGE]));
	print_plain("\n");
	open_json_array("spi");
	nla_for_each_nested(a, tb[MHO_A_CTX], rem) {
		if (nla_type(a) != MHO_CTX_A_SPI ||
		    mho_parse_nested(st, MHO_SPI_A_MAX, a) < 0)
			continue;
		open_json_object(NULL);
		print_u64("old", "spi 0x%08llx", mho_get_uint(st[MHO_SPI_A_OLD]));
		print_u64("new", " 0x%08llx\n", mho_get_uint(st[MHO_SPI_A_NEW]));
		close_json_object();
	}
	close_json_array();
	close_json_object();
	print_json_end();
	return 0;
}

static int ctx_import(int argc, char **argv)
{
	struct ctx_buf attrs = {};
	struct in6_addr new_ar, new_coa;
	bool have_ar = false, have_coa = false;
	const char *path = NULL;
	uint32_t margin = 0, bridge = 0;
	bool have_margin = false, have_bridge = false;
	int mode = MHO_CTX_REACTIVE;
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret;

	/*
	 * Room for the largest context the kernel builds (32 SAs and 32
	 * policies, about 20 KiB), not a page.
	 */
	msg = mho_msg_size(MHO_CMD_CTX_IMPORT, 0, CTX_MSG_SIZE);
	if (put_binding_key(msg, &argc, &argv) < 0)
		goto bad;
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "file")) {
			NEXT_ARG_OR("file", bad);
			path = *argv;
		} else if (!strcmp(*argv, "new-ar")) {
			NEXT_ARG_OR("new-ar", bad);
			if (parse_addr("new-ar", *argv, &new_ar, NULL) < 0)
				goto bad;
			have_ar = true;
		} else if (!strcmp(*argv, "new-coa")) {
			NEXT_ARG_OR("new-coa", bad);
			if (parse_addr("new-coa", *argv, &new_coa, NULL) < 0)
				goto bad;
			have_coa = true;
		} else if (!strcmp(*argv, "mode")) {
			NEXT_ARG_OR("mode", bad);
			if (!strcmp(*argv, "reactive")) {
				mode = MHO_CTX_REACTIVE;
			} else if (!strcmp(*argv, "predictive")) {
				mode = MHO_CTX_PREDICTIVE;
			} else {
				print_err("mode: \"%s\" is not reactive or predictive",
					  *argv);
				goto bad;
			}
		} else if (!strcmp(*argv, "seq-margin")) {
			NEXT_ARG_OR("seq-margin", bad);
			if (parse_u32("seq-margin", *argv, &margin) < 0)
				goto bad;
			have_margin = true;
		} else if (!strcmp(*argv, "bridge")) {
			NEXT_ARG_OR("bridge", bad);
			if (parse_u32("bridge", *argv, &bridge) < 0)
				goto bad;
			have_bridge = true;
		} else {
			print_err("context import: unknown argument \"%s\"",
				  *argv);
			goto bad;
		}
	}
	if (!path) {
		print_err("context import: file FILE is required");
		goto bad;
	}
	if (ctx_read(path, &attrs) < 0)
		goto bad;
	nest = mho_nest_start(msg, MHO_A_CTX);
	if (nlmsg_append(msg, attrs.data, attrs.len, NLA_ALIGNTO) < 0) {
		print_err("the context is too large to send");
		buf_wipe(&attrs);
		goto bad;
	}
	buf_wipe(&attrs);
	if (have_ar) {
		mho_word(msg, "new-ar");
		mho_put_addr(msg, MHO_CTX_A_NEW_AR, &new_ar);
	}
	if (have_coa) {
		mho_word(msg, "new-coa");
		mho_put_addr(msg, MHO_CTX_A_NEW_COA, &new_coa);
	}
	mho_word(msg, "mode");
	mho_put_u8(msg, MHO_CTX_A_MODE, mode);
	if (have_margin) {
		mho_word(msg, "seq-margin");
		mho_put_u32(msg, MHO_CTX_A_SEQ_MARGIN, margin);
	}
	if (have_bridge) {
		mho_word(msg, "bridge");
		mho_put_u32(msg, MHO_CTX_A_BRIDGE, bridge);
	}
	mho_nest_end(msg, nest);
	ret = mho_request(msg, result_cb, mode == MHO_CTX_PREDICTIVE ?
			  "pending" : "installed");
	return ret;
bad:
	nlmsg_free(msg);
	return -1;
}

static int ctx_simple(uint8_t cmd, const char *name, int argc, char **argv)
{
	struct nl_msg *msg = mho_msg(cmd, 0);

	if (put_binding_key(msg, &argc, &argv) < 0)
		goto bad;
	if (argc > 0) {
		print_err("context %s: unexpected \"%s\"", name, *argv);
		goto bad;
	}
	return mho_request(msg, NULL, NULL);
bad:
	nlmsg_free(msg);
	return -1;
}

static int ctx_move(int argc, char **argv)
{
	static const char *const words[] = { "coa", "new-coa", "ar", "new-ar" };
	static const int types[] = { MHO_CTX_A_COA, MHO_CTX_A_NEW_COA,
				     MHO_CTX_A_AR, MHO_CTX_A_NEW_AR };
	struct nl_msg *msg = mho_msg(MHO_CMD_CTX_MOVE, 0);
	struct nlattr *nest, *spi;
	unsigned long long o, n;
	struct in6_addr a;
	uint32_t margin;
	char *end;
	size_t i;

	nest = mho_nest_start(msg, MHO_A_CTX);
	for (; argc > 0; argc--, argv++) {
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (!strcmp(*argv, words[i]))
				break;
		if (i < ARRAY_SIZE(words)) {
			NEXT_ARG_OR(words[i], bad);
			if (parse_addr(words[i], *argv, &a, NULL) < 0)
				goto bad;
			mho_word(msg, words[i]);
			mho_put_addr(msg, types[i], &a);
		} else if (!strcmp(*argv, "spi")) {
			NEXT_ARG_OR("spi", bad);
			errno = 0;
			o = strtoull(*argv, &end, 0);
			n = *end == ':' ? strtoull(end + 1, &end, 0) : 0;
			if (errno || *end || o > UINT32_MAX || n > UINT32_MAX ||
			    !strchr(*argv, ':')) {
				print_err("spi: \"%s\" is not OLD:NEW", *argv);
				goto bad;
			}
			mho_word(msg, "spi");
			spi = mho_nest_start(msg, MHO_CTX_A_SPI);
			mho_put_u32(msg, MHO_SPI_A_OLD, o);
			mho_put_u32(msg, MHO_SPI_A_NEW, n);
			mho_nest_end(msg, spi);
		} else if (!strcmp(*argv, "seq-margin")) {
			NEXT_ARG_OR("seq-margin", bad);
			if (parse_u32("seq-margin", *argv, &margin) < 0)
				goto bad;
			mho_word(msg, "seq-margin");
			mho_put_u32(msg, MHO_CTX_A_SEQ_MARGIN, margin);
		} else if (!strcmp(*argv, "bridge")) {
			NEXT_ARG_OR("bridge", bad);
			if (parse_u32("bridge", *argv, &margin) < 0)
				goto bad;
			mho_word(msg, "bridge");
			mho_put_u32(msg, MHO_CTX_A_BRIDGE, margin);
		} else {
			print_err("context move: unknown argument \"%s\"",
				  *argv);
			goto bad;
		}
	}
	mho_nest_end(msg, nest);
	return mho_request(msg, result_cb, "moved");
bad:
	nlmsg_free(msg);
	return -1;
}

/* ---- show --------------------------------------------------------------- */

static void show_key(const char *what, const unsigned char *key,
		     unsigned int bits, bool keys)
{
	unsigned int i;

	print_u64(NULL, " %llu", bits);
	if (!keys) {
		print_plain(" bits");
		return;
	}
	print_plain(" bits %s 0x", what);
	for (i = 0; i < (bits + 7) / 8; i++)
		print_plain("%02x", key[i]);
}

/* ip-xfrm's words for the protocols and modes a context can carry. */
static const char *proto_name(uint8_t proto)
{
	static char num[4];

	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	}
	snprintf(num, sizeof(num), "%u", proto);
	return num;
}

static const char *mode_name(uint8_t mode)
{
	static const char *const names[] = {
		[XFRM_MODE_TRANSPORT] = "transport",
		[XFRM_MODE_TUNNEL] = "tunnel",
		[XFRM_MODE_ROUTEOPTIMIZATION] = "ro",
		[XFRM_MODE_IN_TRIGGER] = "in_trigger",
		[XFRM_MODE_BEET] = "beet",
	};

	return mode < sizeof(names) / sizeof(names[0]) && names[mode] ?
	       names[mode] : "?";
}

static void show_addr(const char *word, const xfrm_address_t *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	print_plain(" %s %s", word, s);
}

static int show_sa(const struct nlattr *nest, bool keys)
{
	struct nlattr *tb[MHO_SA_A_MAX + 1];
	const struct xfrm_usersa_info *p;
	uint64_t oseq, seq;

	if (mho_parse_nested(tb, MHO_SA_A_MAX, nest) < 0 || !tb[MHO_SA_A_INFO] ||
	    nla_len(tb[MHO_SA_A_INFO]) < (int)sizeof(*p))
		return -1;
	p = nla_data(tb[MHO_SA_A_INFO]);
	print_plain("sa %s spi 0x%08x", proto_name(p->id.proto),
		    ntohl(p->id.spi));
	show_addr("src", &p->saddr);
	show_addr("dst", &p->id.daddr);
	print_plain(" mode %s reqid %u\n", mode_name(p->mode), p->reqid);
	if (tb[MHO_SA_A_AEAD] &&
	    nla_len(tb[MHO_SA_A_AEAD]) >= (int)sizeof(struct xfrm_algo_aead)) {
		const struct xfrm_algo_aead *a = nla_data(tb[MHO_SA_A_AEAD]);

		if (nla_len(tb[MHO_SA_A_AEAD]) <
		    (int)(sizeof(*a) + (a->alg_key_len + 7) / 8))
			return -1;
		print_plain("    aead %.64s", a->alg_name);
		show_key("key", (const unsigned char *)a->alg_key,
			 a->alg_key_len, keys);
		print_plain(" icv %u\n", a->alg_icv_len);
	}
	if (tb[MHO_SA_A_CRYPT] &&
	    nla_len(tb[MHO_SA_A_CRYPT]) >= (int)sizeof(struct xfrm_algo)) {
		const struct xfrm_algo *a = nla_data(tb[MHO_SA_A_CRYPT]);

		if (nla_len(tb[MHO_SA_A_CRYPT]) <
		    (int)(sizeof(*a) + (a->alg_key_len + 7) / 8))
			return -1;
		print_plain("    enc %.64s", a->alg_name);
		show_key("key", (const unsigned char *)a->alg_key,
			 a->alg_key_len, keys);
		print_plain("\n");
	}
	if (tb[MHO_SA_A_AUTH] &&
	    nla_len(tb[MHO_SA_A_AUTH]) >= (int)sizeof(struct xfrm_algo_auth)) {
		const struct xfrm_algo_auth *a = nla_data(tb[MHO_SA_A_AUTH]);

		if (nla_len(tb[MHO_SA_A_AUTH]) <
		    (int)(sizeof(*a) + (a->alg_key_len + 7) / 8))
			return -1;
		print_plain("    auth-trunc %.64s", a->alg_name);
		show_key("key", (const unsigned char *)a->alg_key,
			 a->alg_key_len, keys);
		print_plain(" trunc %u\n", a->alg_trunc_len);
	}
	if (tb[MHO_SA_A_REPLAY_ESN] &&
	    nla_len(tb[MHO_SA_A_REPLAY_ESN]) >=
	    (int)sizeof(struct xfrm_replay_state_esn)) {
		const struct xfrm_replay_state_esn *e =
			nla_data(tb[MHO_SA_A_REPLAY_ESN]);

		oseq = (uint64_t)e->oseq_hi << 32 | e->oseq;
		seq = (uint64_t)e->seq_hi << 32 | e->seq;
		print_plain("    replay-window %u%s oseq %llu seq %llu\n",
			    e->replay_window,
			    p->flags & XFRM_STATE_ESN ? " esn" : "",
			    (unsigned long long)oseq, (unsigned long long)seq);
	} else if (tb[MHO_SA_A_REPLAY] &&
		   nla_len(tb[MHO_SA_A_REPLAY]) >=
		   (int)sizeof(struct xfrm_replay_state)) {
		const struct xfrm_replay_state *r = nla_data(tb[MHO_SA_A_REPLAY]);

		print_plain("    replay-window %u oseq %u seq %u\n",
			    p->replay_window, r->oseq, r->seq);
	}
	return 0;
}

static int show_policy(const struct nlattr *nest)
{
	static const char *const dirs[] = { "in", "out", "fwd" };
	struct nlattr *tb[MHO_POL_A_MAX + 1];
	const struct xfrm_userpolicy_info *p;
	const struct xfrm_user_tmpl *t;
	int i, n;

	if (mho_parse_nested(tb, MHO_POL_A_MAX, nest) < 0 ||
	    !tb[MHO_POL_A_INFO] || nla_len(tb[MHO_POL_A_INFO]) < (int)sizeof(*p))
		return -1;
	p = nla_data(tb[MHO_POL_A_INFO]);
	print_plain("policy dir %s", p->dir < 3 ? dirs[p->dir] : "?");
	show_addr("src", &p->sel.saddr);
	print_plain("/%u", p->sel.prefixlen_s);
	show_addr("dst", &p->sel.daddr);
	print_plain("/%u\n", p->sel.prefixlen_d);
	n = tb[MHO_POL_A_TMPL] ? nla_len(tb[MHO_POL_A_TMPL]) / (int)sizeof(*t) : 0;
	for (i = 0; i < n; i++) {
		t = (const struct xfrm_user_tmpl *)nla_data(tb[MHO_POL_A_TMPL]) + i;
		print_plain("    tmpl");
		show_addr("src", &t->saddr);
		show_addr("dst", &t->id.daddr);
		print_plain(" proto %s mode %s reqid %u%s\n",
			    proto_name(t->id.proto), mode_name(t->mode),
			    t->reqid, t->optional ? " level use" : "");
	}
	return 0;
}

static int ctx_show(int argc, char **argv)
{
	struct ctx_buf attrs = {};
	const char *path = NULL;
	const struct nlattr *a;
	bool keys = false;
	int rem, ret = 0;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "file")) {
			NEXT_ARG("file");
			path = *argv;
		} else if (!strcmp(*argv, "keys")) {
			keys = true;
		} else {
			return print_err("context show: unknown argument \"%s\"",
					 *argv);
		}
	}
	if (!path)
		return print_err("context show: file FILE is required");
	if (print_is_json())
		return print_err("context show: there is no JSON output");
	if (ctx_read(path, &attrs) < 0)
		return -1;
	print_plain("context version %u\n", MHO_CTX_VERSION);
	nla_for_each_attr(a, (struct nlattr *)attrs.data, (int)attrs.len, rem) {
		switch (nla_type(a)) {
		case MHO_CTX_A_AR:
		case MHO_CTX_A_COA:
		case MHO_CTX_A_HOA:
			if (nla_len(a) == sizeof(struct in6_addr))
				print_addr(NULL, nla_type(a) == MHO_CTX_A_AR ? "ar" :
					   nla_type(a) == MHO_CTX_A_COA ? "coa" :
					   "hoa", nla_data(a));
			print_plain("\n");
			break;
		case MHO_CTX_A_GENERATION:
			if (nla_len(a) == sizeof(uint64_t))
				print_plain("generation %llu\n",
					    (unsigned long long)nla_get_u64(a));
			break;
		case MHO_CTX_A_SA:
			ret |= show_sa(a, keys);
			break;
		case MHO_CTX_A_POLICY:
			ret |= show_policy(a);
			break;
		}
	}
	buf_wipe(&attrs);
	if (ret)
		print_err("\"%s\": the context is malformed",
			  path);
	return ret ? -1 : 0;
}

int do_context(int argc, char **argv)
{
	if (argc < 1 || matches(*argv, "help", 1))
		return context_usage();
	if (matches(*argv, "export", 1))
		return ctx_export(argc - 1, argv + 1);
	if (matches(*argv, "import", 1))
		return ctx_import(argc - 1, argv + 1);
	if (matches(*argv, "activate", 1))
		return ctx_simple(MHO_CMD_CTX_ACTIVATE, "activate", argc - 1,
				  argv + 1);
	if (matches(*argv, "drop", 2))
		return ctx_simple(MHO_CMD_CTX_DROP, "drop", argc - 1, argv + 1);
	if (matches(*argv, "move", 1))
		return ctx_move(argc - 1, argv + 1);
	if (matches(*argv, "show", 1))
		return ctx_show(argc - 1, argv + 1);
	return print_err("context: unknown command \"%s\", try \"mhoctl context help\"",
			 *argv);
}
