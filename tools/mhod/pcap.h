/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pcap file writer (LINKTYPE_RAW: each record is an IPv6 packet), for
 * the interoperability test and for captures of what mhod sends.
 */
#ifndef MHOD_PCAP_H
#define MHOD_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

FILE *mhod_pcap_open(const char *path);
int mhod_pcap_write(FILE *f, const uint8_t *pkt, size_t len, uint32_t sec,
		    uint32_t usec);
int mhod_pcap_close(FILE *f);

#endif /* MHOD_PCAP_H */
