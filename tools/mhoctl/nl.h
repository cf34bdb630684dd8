/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhoctl's netlink layer is the mho_*() half of tools/lib/mhonl.h: one
 * generic netlink socket, opened on first use, the "mho" family and its
 * "events" group resolved once, and helpers to send a request and walk
 * the replies. nl.c prints its errors with print_error() (print.h), as
 * "Error: [KEYWORD: ]<extack message>[ (RANGE)]" (strerror when there is
 * no message; the module's "mho: " prefix is dropped), or as JSON (-j).
 */
#ifndef MHOCTL_NL_H
#define MHOCTL_NL_H

#include "mhonl.h"

#endif /* MHOCTL_NL_H */
