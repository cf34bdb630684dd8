// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the configuration parser: any input is parsed
 * or refused with a "file:line:col: " message, and a parsed one stays
 * within its tables.
 */
#include <stdlib.h>
#include <string.h>

#include "../conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mhod_conf c;
	char err[MHOD_CONF_ERR_MAX];
	int i;

	if (mhod_conf_parse(&c, (const char *)data, size, "f", err)) {
		CHECK(!strncmp(err, "f:", 2) && strlen(err) < sizeof(err));
		return 0;
	}
	CHECK(c.role == MHOD_ROLE_AR || c.role == MHOD_ROLE_MN ||
	      c.role == MHOD_ROLE_HA);
	CHECK(c.nifaces <= MHOD_CONF_IFACES && c.npeers <= MHOD_CONF_PEERS &&
	      c.nneighbors <= MHOD_CONF_NEIGHBORS &&
	      c.nkeys <= MHOD_CONF_KEYS && c.nipsec <= MHOD_CONF_IPSEC);
	for (i = 0; i < c.nneighbors; i++) {
		const struct mhod_conf_neighbor *n = &c.neighbors[i];

		/* A home agent's neighbours need no access point. */
		CHECK(n->naps <= MHOD_CONF_APS &&
		      (n->naps >= 1 || c.role == MHOD_ROLE_HA));
		CHECK(!n->naps || mhod_conf_neighbor_by_ap(&c, n->ap[0].addr,
							   n->ap[0].len) == n);
		CHECK(mhod_conf_neighbor_by_addr(&c, &n->router) == n);
	}
	mhod_conf_free(&c);
	return 0;
}
