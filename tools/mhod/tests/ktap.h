/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small KTAP producer: results are collected, then printed after the
 * plan, with a closing "N passed, N failed" line.
 */
#ifndef MHOD_KTAP_H
#define MHOD_KTAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../pkt.h"
#include "../wire.h"

void t_init(void);
/* One test case: begin, any number of checks, end. */
void t_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool t_check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void t_end(void);
void t_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints everything; returns the process exit status. */
int t_finish(void);

/* Test data and helpers shared by the test files. */
size_t t_unhex(const char *hex, uint8_t *out, size_t cap);
void t_hexdump(const char *what, const uint8_t *p, size_t len);
struct in6_addr t_addr(const char *s);

struct t_vector {
	int frame;
	char name[32];
	uint8_t pkt[2048];
	size_t len;
};

/* Loads vectors.hex; returns the count (0 on error). */
int t_load_vectors(const char *path, struct t_vector *v, int max);

/* A packet decoded down to its message, as the daemon would see it. */
struct t_decoded {
	struct mhod_pkt pkt;
	struct mhod_pkt_info pi;
	struct mhod_icmp icmp;
	struct mhod_mh mh;
	struct mhod_cxtp cxtp;
	size_t err_off;
};

enum mhod_err t_decode(const uint8_t *buf, size_t len, struct t_decoded *d);
/* Rebuild the packet from the decoded structs. */
enum mhod_err t_encode(const struct t_decoded *d, uint8_t *out, size_t cap,
		       size_t *len);
enum mhod_msg t_msg(const struct t_decoded *d);

/*
 * Fuzzing seeds: when t_seed_dir is set, t_seed() writes DIR/KIND/N with
 * the selector octet (wire: see fuzz/fuzz-wire.c) and the data.
 */
extern const char *t_seed_dir;
void t_seed(const char *kind, int sel, const void *p, size_t n);
void t_seed_msg(const struct t_decoded *d, const uint8_t *pkt, size_t len);

extern const uint8_t t_k_mn_par[20], t_k_cxtp[16], t_k_esp[20];

void test_crypto(void);
void test_pakeys(void);
void test_vectors(const char *path);
void test_messages(const char *pcap_path);
void test_malformed(const char *vectors_path);
void test_conf(const char *example_path);
void test_loop(void);
void test_ipsec(void);
void test_ctx_cdbs(void);

#endif /* MHOD_KTAP_H */
