// SPDX-License-Identifier: GPL-2.0
/*
 * pcap (libpcap file format, microsecond timestamps, host byte order with
 * the magic number telling readers which), LINKTYPE_RAW (101).
 */
#include "pcap.h"

#define PCAP_MAGIC	0xa1b2c3d4
#define LINKTYPE_RAW	101
#define SNAPLEN		65535

FILE *mhod_pcap_open(const char *path)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} hdr = { PCAP_MAGIC, 2, 4, 0, 0, SNAPLEN, LINKTYPE_RAW };
	FILE *f = fopen(path, "wb");

	if (!f)
		return NULL;
	if (fwrite(&hdr, sizeof(hdr), 1, f) != 1) {
		fclose(f);
		return NULL;
	}
	return f;
}

int mhod_pcap_write(FILE *f, const uint8_t *pkt, size_t len, uint32_t sec,
		    uint32_t usec)
{
	uint32_t rec[4] = { sec, usec, (uint32_t)len, (uint32_t)len };

	if (len > SNAPLEN)
		return -1;
	if (fwrite(rec, sizeof(rec), 1, f) != 1 ||
	    fwrite(pkt, 1, len, f) != len)
		return -1;
	return 0;
}

int mhod_pcap_close(FILE *f)
{
	return fclose(f) ? -1 : 0;
}
