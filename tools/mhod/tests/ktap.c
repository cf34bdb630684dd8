// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP output and small helpers for the wire-layer tests.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ktap.h"

static FILE *out;
static int n_tests, n_pass, n_fail;
static bool cur_ok;
static char cur_name[256];

void t_init(void)
{
	out = tmpfile();
	if (!out) {
		perror("tmpfile");
		exit(2);
	}
}

void t_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur_name, sizeof(cur_name), fmt, ap);
	va_end(ap);
	cur_ok = true;
}

void t_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

bool t_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	cur_ok = false;
	fprintf(out, "# %s: ", cur_name);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	return false;
}

void t_end(void)
{
	n_tests++;
	if (cur_ok)
		n_pass++;
	else
		n_fail++;
	fprintf(out, "%s %d %s\n", cur_ok ? "ok" : "not ok", n_tests,
		cur_name);
}

int t_finish(void)
{
	char line[4096];

	printf("KTAP version 1\n1..%d\n", n_tests);
	rewind(out);
	while (fgets(line, sizeof(line), out))
		fputs(line, stdout);
	fclose(out);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       n_pass, n_fail);
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

size_t t_unhex(const char *hex, uint8_t *o, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (hex[0] && hex[1] && n < cap && sscanf(hex, "%2x", &v) == 1) {
		o[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

void t_hexdump(const char *what, const uint8_t *p, size_t len)
{
	char line[80];
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%02x", p[i]);
		if (n >= 64 || i + 1 == len) {
			t_diag("%s %s", what, line);
			n = 0;
		}
	}
}

struct in6_addr t_addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		exit(2);
	}
	return a;
}

int t_load_vectors(const char *path, struct t_vector *v, int max)
{
	char line[8192], *colon, *sp;
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		colon = strstr(line, ": ");
		sp = strchr(line, ' ');
		if (!colon || !sp || sp > colon)
			continue;
		v[n].frame = atoi(line);
		*colon = 0;
		snprintf(v[n].name, sizeof(v[n].name), "%s", sp + 1);
		v[n].len = t_unhex(colon + 2, v[n].pkt, sizeof(v[n].pkt));
		n++;
	}
	fclose(f);
	return n;
}

/* The TEST keys of shared/signaling/gen_vectors.py. */
const uint8_t t_k_mn_par[20] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13
};

const uint8_t t_k_cxtp[16] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf
};

const uint8_t t_k_esp[20] = {
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9,
	0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3
};

const char *t_seed_dir;

void t_seed(const char *kind, int sel, const void *p, size_t n)
{
	static int count;
	char path[4096];
	FILE *f;

	if (!t_seed_dir)
		return;
	mkdir(t_seed_dir, 0755);
	snprintf(path, sizeof(path), "%s/%s", t_seed_dir, kind);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%04d", t_seed_dir, kind,
		 count++);
	f = fopen(path, "wb");
	if (!f)
		return;
	if (sel >= 0)
		fputc(sel, f);
	fwrite(p, 1, n, f);
	fclose(f);
}

/* A decoded packet as wire seeds: the bare message and the packet. */
void t_seed_msg(const struct t_decoded *d, const uint8_t *pkt, size_t len)
{
	int sel = d->pkt.proto == MHOD_IPPROTO_ICMPV6 ? 0 :
		  d->pkt.proto == MHOD_IPPROTO_MH ? 1 : 2;

	t_seed("wire", sel, d->pkt.payload, d->pkt.len);
	t_seed("wire", 3, pkt, len);
}
