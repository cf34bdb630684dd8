// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration parser: the example file, a mobile node's file, and
 * a table of bad files, each rejected with its line, column and reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "../bytes.h"
#include "../conf.h"

static struct mhod_conf conf;

static const char mn_conf[] =
	"[General]\n"
	"Role = mobile-node\r\n"
	"PreAuthentication = ikev2\n"
	"[Interface]\n"
	"Name = wlan0\n"
	"Kind = mobile\n"
	"[Peer]\n"
	"Kind = access-router\n"
	"Address = 2001:db8:1::1\n"
	"Key = par\n"
	"IPsec = par\n"
	"[Key]\n"
	"Name = par\n"
	"Kind = badf\n"
	"File = /etc/mhod/par.key\n"
	"[IPsec]\n"
	"Name = par\n"
	"Mode = static\n"
	"SPIIn = 4096\n"
	"SPIOut = 4097\n"
	"[Timers]\n"
	"FBURetries = 5\n"
	"BindAckTimeoutMax = 1.25s\n";

/* A home agent: its address, the ARs of its MNs' care-of addresses
 * (end-markers), two MNs by their home addresses.
 */
static const char ha_conf[] =
	"[General]\nRole = home-agent\n"
	"[Interface]\nName = lo\nKind = core\nAddress = 2001:db8:ee::1/128\n"
	"[Neighbor]\nName = par\nRouter = 2001:db8:1::2\n"
	"Prefix = 2001:db8:a::/64\n"
	"[Peer]\nName = mn\nKind = mobile-node\nAddress = 2001:db8:ff::1\n"
	"IPsec = mn\n"
	"[Peer]\nName = mn2\nKind = mobile-node\nAddress = 2001:db8:ff::2\n"
	"IPsec = mn\n"
	"[IPsec]\nName = mn\nMode = ikev2\nConnection = mip6\n"
	"[Timers]\nBindingLifetime = 60s\n";

#define HA_HEAD								\
	"[General]\nRole = home-agent\n"				\
	"[Interface]\nName = lo\nKind = core\n"			\
	"[IPsec]\nName = s\nMode = ikev2\nConnection = c\n"

#define AR_HEAD								\
	"[General]\nRole = access-router\n"				\
	"[Interface]\nName = eth1\nKind = access\n"			\
	"[IPsec]\nName = s\nMode = ikev2\nConnection = c\n"
#define NB "[Neighbor]\nRouter = 2001:db8:2::1\nPrefix = 2001:db8:2::/64\n" \
	"AccessPoint = 02:00:00:00:00:aa\nIPsec = s\n"

static const struct {
	const char *text;
	const char *want;	/* "line:col: start of the message" */
} bad[] = {
	{ "Role = mobile-node\n", "1:1: 'Role' before any [Section]" },
	{ "[General]\nRole = router\n", "2:8: 'router' is not one of" },
	{ "[General]\n  Rol = x\n", "2:3: unknown key 'Rol'" },
	{ "[Genral]\n", "1:2: unknown section [Genral]" },
	{ "[General\n", "1:9: ']' expected" },
	{ "[General]\nRole\n", "2:5: '=' expected" },
	{ "[General]\n = x\n", "2:2: a key is expected" },
	{ "[General]\nRole =\n", "2:7: Role needs a value" },
	{ "[General]\nRole = mobile-node\nrole = mobile-node\n",
	  "3:1: Role given twice" },
	{ "[General]\n[General]\n", "2:2: a second [General]" },
	{ "[General]\nLogLevel = info\n", "1:1: [General] Role is required" },
	{ "[General]\nRole = access-router\x01\n", "2:21: control character" },
	{ "[General]\nControlSocket = run/mhod\n", "2:17: an absolute path" },
	{ AR_HEAD "[Timers]\nHITimeout = 100\n", "11:16: a duration ends in" },
	{ AR_HEAD "[Timers]\nHITimeout = 1.s\n", "11:15: digits expected" },
	{ AR_HEAD "[Timers]\nHITimeout = 61s\n", "11:13: '61s' is outside" },
	{ AR_HEAD "[Timers]\nHIRetries = 11\n", "11:13: '11' is not a number" },
	{ AR_HEAD "[Timers]\nHIRetries = -1\n", "11:13: '-1' is not a number" },
	{ AR_HEAD "[Timers]\nFBULifetime = 1.5s\n" NB,
	  "1:1: FBULifetime is whole seconds" },
	{ AR_HEAD "[Timers]\nPreAuthLifetime = 10.5s\n" NB,
	  "1:1: PreAuthLifetime is whole seconds" },
	{ AR_HEAD "[Timers]\nPreAuthLifetime = 9s\n", "11:19: '9s' is outside" },
	{ AR_HEAD "[Timers]\nBindAckTimeoutMax = 500ms\n" NB,
	  "1:1: BindAckTimeoutMax is below" },
	{ AR_HEAD, "2:8: an access router needs a [Neighbor]" },
	{ AR_HEAD "[Neighbor]\nRouter = 2001:db8::zz\n",
	  "11:10: '2001:db8::zz' is not an IPv6 address" },
	{ AR_HEAD "[Neighbor]\nPrefix = 2001:db8:2::1/64\n",
	  "11:10: '2001:db8:2::1/64' has bits set" },
	{ AR_HEAD "[Neighbor]\nPrefix = 2001:db8:2::/129\n",
	  "11:23: prefix length is 0 to 128" },
	{ AR_HEAD "[Neighbor]\nAccessPoint = 02:00:0g\n",
	  "11:21: link-layer address octets" },
	{ AR_HEAD "[Neighbor]\nAccessPoint = 02:00.01\n",
	  "11:20: '.' in a link-layer address" },
	{ AR_HEAD "[Neighbor]\nName = a b\n", "11:9: ' ' in a name" },
	{ AR_HEAD "[Neighbor]\nRouter = 2001:db8:2::1\n",
	  "10:2: [Neighbor]: Prefix is required" },
	{ AR_HEAD NB "IPsec = t\n", "15:1: IPsec given twice" },
	{ AR_HEAD "[Neighbor]\nRouter = 2001:db8:2::1\n"
	  "Prefix = 2001:db8:2::/64\nAccessPoint = 02:00:00:00:00:aa\n"
	  "IPsec = nope\n", "14:9: no [IPsec] named nope" },
	{ AR_HEAD NB "[Neighbor]\nRouter = 2001:db8:3::1\n"
	  "Prefix = 2001:db8:3::/64\nAccessPoint = 02:00:00:00:00:aa\n"
	  "IPsec = s\n", "18:15: this AccessPoint is listed twice" },
	{ AR_HEAD NB "[Neighbor]\nRouter = 2001:db8:2::1\n"
	  "Prefix = 2001:db8:3::/64\nAccessPoint = 02:00:00:00:00:ab\n"
	  "IPsec = s\n", "16:10: the same Router in two" },
	{ AR_HEAD NB "[Peer]\nKind = mobile-node\nAddress = 2001:db8:1::a\n"
	  "IPsec = s\nKey = k\n", "19:7: no [Key] named k" },
	{ AR_HEAD NB "[Peer]\nKind = mobile-node\n",
	  "15:2: [Peer]: Kind and Address are required" },
	{ AR_HEAD NB "[IPsec]\nName = s\nMode = ikev2\nConnection = d\n",
	  "15:2: a second [IPsec] named s" },
	{ AR_HEAD NB "[IPsec]\nName = t\nMode = static\nSPIIn = 300\n",
	  "17:8: Mode = static needs SPIIn and SPIOut" },
	{ AR_HEAD NB "[IPsec]\nName = t\nMode = static\nSPIIn = 255\n",
	  "18:9: '255' is not a number from 256" },
	{ AR_HEAD NB "[Peer]\nKind = mobile-node\nAddress = 2001:db8:1::a\n"
	  "IPsec = s\nContextKey = c\n",
	  "19:14: ContextKey needs [General] ContextTransfer = yes" },
	{ "[General]\nRole = access-router\nContextTransfer = yes\n"
	  "[Interface]\nName = eth1\nKind = access\n"
	  "[Interface]\nName = eth2\nKind = core\n"
	  "[IPsec]\nName = s\nMode = ikev2\nConnection = c\n" NB
	  "[Peer]\nKind = mobile-node\nAddress = 2001:db8:1::a\n"
	  "IPsec = s\nContextKey = c\n"
	  "[Key]\nName = c\nKind = badf\nFile = /etc/c\n",
	  "23:14: no [Key] named c of Kind = cxtp" },
	{ "[General]\nRole = access-router\nContextTransfer = yes\n"
	  "[Interface]\nName = eth1\nKind = access\n"
	  "[IPsec]\nName = s\nMode = ikev2\nConnection = c\n" NB,
	  "3:19: ContextTransfer needs an [Interface] with Kind = core" },
	{ "[General]\nRole = mobile-node\nContextTransfer = yes\n"
	  "[Interface]\nName = wlan0\nKind = mobile\n"
	  "[Peer]\nKind = access-router\nAddress = 2001:db8:1::1\nIPsec = s\n"
	  "[Peer]\nKind = home-agent\nAddress = 2001:db8:9::1\nIPsec = s\n"
	  "HomeAddress = 2001:db8:ff::1\n"
	  "ContextKey = c\n[Key]\nName = c\nKind = cxtp\nFile = /etc/c\n"
	  "[IPsec]\nName = s\nMode = static\nSPIIn = 4096\nSPIOut = 4097\n",
	  "16:14: ContextKey is for a mobile node's [Peer] on an access router, or an access router's on a mobile node" },
	{ HA_HEAD "[Interface]\nName = eth0\nKind = access\n",
	  "10:2: Kind = core on a home agent" },
	{ HA_HEAD "[Peer]\nKind = access-router\nAddress = 2001:db8::1\n"
	  "IPsec = s\n", "10:2: a home agent's [Peer]s are mobile nodes" },
	{ HA_HEAD "[Peer]\nKind = mobile-node\nAddress = 2001:db8::1\n"
	  "IPsec = s\nKey = k\n", "10:2: on a home agent, a mobile node's Address is its home address" },
	{ HA_HEAD "[Peer]\nKind = mobile-node\nAddress = 2001:db8::1\n"
	  "IPsec = s\n[Peer]\nKind = mobile-node\nAddress = 2001:db8::1\n"
	  "IPsec = s\n", "16:11: this home address is listed twice" },
	{ HA_HEAD "[Timers]\nBindingLifetime = 6s\n",
	  "1:1: BindingLifetime is a multiple of 4 s" },
	{ HA_HEAD "[Timers]\nBindingRefresh = 10s\n",
	  "1:1: BindingRefresh is a multiple of 4 s" },
	{ HA_HEAD "[Timers]\nBindingLifetime = 60s\nBindingRefresh = 60s\n",
	  "1:1: BindingRefresh is below BindingLifetime" },
	{ HA_HEAD "[Timers]\nBindingRefresh = 0s\n",
	  "11:18: '0s' is outside 4000ms..262136000ms" },
	{ AR_HEAD "[Timers]\nContextBridge = 601s\n",
	  "11:17: '601s' is outside 0ms..600000ms" },
	{ "[General]\nRole = home-agent\nContextTransfer = yes\n"
	  "[Interface]\nName = lo\nKind = core\n",
	  "2:8: ContextTransfer and PreAuthentication are for" },
	{ "[General]\nRole = mobile-node\n"
	  "[Interface]\nName = wlan0\nKind = mobile\n"
	  "[Peer]\nKind = access-router\nAddress = 2001:db8:1::1\nIPsec = s\n"
	  "[Peer]\nKind = home-agent\nAddress = 2001:db8:9::1\nIPsec = s\n"
	  "[IPsec]\nName = s\nMode = ikev2\nConnection = c\n",
	  "10:2: a home agent's [Peer] needs the MN's HomeAddress" },
	{ "[General]\nContextTransfer = maybe\n", "2:19: 'maybe' is not one of: no, yes" },
	{ AR_HEAD NB "[Key]\nName = k\nKind = badf\n",
	  "15:2: [Key]: Name, Kind and File are required" },
	{ "[General]\nRole = mobile-node\n[Interface]\nName = eth0\n"
	  "Kind = access\n", "3:2: Kind = mobile on a mobile node" },
	{ "[General]\nRole = mobile-node\n[Interface]\nName = eth0\n"
	  "Kind = mobile\n", "2:8: a mobile node needs" },
	{ "[General]\nRole = mobile-node\n[Interface]\n"
	  "Name = a-very-long-interface-name\n", "4:8: an interface name" },
	{ "[General]\nRole = mobile-node # trailing comment\n[Key]\n"
	  "File = /k\x00x\n", "4:10: NUL character" },
};

static void long_line(void)
{
	char *text = malloc(MHOD_CONF_LINE_MAX + 64);
	char err[MHOD_CONF_ERR_MAX];

	t_begin("conf: a line over %d characters is refused at its end",
		MHOD_CONF_LINE_MAX);
	memcpy(text, "[General]\n#", 11);
	memset(text + 11, 'x', MHOD_CONF_LINE_MAX);
	t_check(mhod_conf_parse(&conf, text, 11 + MHOD_CONF_LINE_MAX, "f",
				err) == -1 &&
		strstr(err, "f:2:1025: line longer than"), "%s", err);
	t_end();
	free(text);
}

/*
 * An access router with n mobile nodes, each a [Peer] with its own
 * [Key]: text in buf (cap octets); returns its length.
 */
static size_t many_mns(char *buf, size_t cap, unsigned int n)
{
	size_t len = (size_t)snprintf(buf, cap, "%s", AR_HEAD NB);
	unsigned int i;

	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len,
			"[Peer]\nName = mn%u\nKind = mobile-node\n"
			"Address = 2001:db8:a::%x\nKey = k%u\nIPsec = s\n"
			"[Key]\nName = k%u\nKind = badf\nFile = /k\nSPI = %u\n",
			i, i + 1, i, i, 0x100 + i);
	return len < cap ? len : cap;
}

/* As many mobile nodes as MHOD_CONF_PEERS, each with its key; one more
 * is refused, and no memory is left behind either way (ASan).
 */
static void many(void)
{
	static char text[MHOD_CONF_MAX_BYTES];
	char err[MHOD_CONF_ERR_MAX], want[64];
	size_t len;
	int ret;

	t_begin("conf: %d mobile nodes, each with its key", MHOD_CONF_PEERS);
	len = many_mns(text, sizeof(text), MHOD_CONF_PEERS);
	ret = mhod_conf_parse(&conf, text, len, "many", err);
	if (t_check(ret == 0, "%s", err))
		t_check(conf.npeers == MHOD_CONF_PEERS &&
			conf.nkeys == MHOD_CONF_KEYS &&
			conf.keys[MHOD_CONF_KEYS - 1].spi ==
			0x100 + MHOD_CONF_KEYS - 1 &&
			!strcmp(conf.peers[MHOD_CONF_PEERS - 1].key, "k4095"),
			"%u peers, %u keys", conf.npeers, conf.nkeys);
	mhod_conf_free(&conf);
	t_check(!conf.peers && !conf.keys && !conf.npeers, "not emptied");
	t_end();

	t_begin("conf: mobile node %d is refused", MHOD_CONF_PEERS + 1);
	len = many_mns(text, sizeof(text), MHOD_CONF_PEERS + 1);
	ret = mhod_conf_parse(&conf, text, len, "many", err);
	snprintf(want, sizeof(want), "more than %d [Peer] sections",
		 MHOD_CONF_PEERS);
	t_check(ret == -1 && strstr(err, want), "got \"%s\"", err);
	t_check(!conf.peers && !conf.keys, "a refused file left memory");
	t_end();
}

void test_conf(const char *example)
{
	const struct mhod_conf_neighbor *n;
	char err[MHOD_CONF_ERR_MAX], want[128];
	size_t i, len;
	int ret;

	t_begin("conf: %s parses", example);
	ret = mhod_conf_load(&conf, example, err);
	if (t_seed_dir) {
		FILE *f = fopen(example, "rb");
		static char text[65536];

		len = f ? fread(text, 1, sizeof(text), f) : 0;
		if (f)
			fclose(f);
		t_seed("conf", -1, text, len);
	}
	if (t_check(ret == 0, "%s", err)) {
		static const uint8_t ap[6] = { 2, 0, 0, 0, 0, 0xab };
		struct in6_addr west = t_addr("2001:db8:3::1");

		t_check(conf.role == MHOD_ROLE_AR &&
			conf.preauth == MHOD_PREAUTH_NONE, "role, preauth");
		t_check(conf.nifaces == 2 && conf.nneighbors == 2 &&
			conf.npeers == 1 && conf.nkeys == 1 && conf.nipsec == 3,
			"table sizes");
		n = mhod_conf_neighbor_by_ap(&conf, ap, sizeof(ap));
		t_check(n && !strcmp(n->name, "nar-east") && n->plen == 64 &&
			n->naps == 2 && n->lla.len == 6, "AP -> nar-east");
		n = mhod_conf_neighbor_by_addr(&conf, &west);
		t_check(n && !strcmp(n->ipsec, "ar-west"), "nar-west");
		t_check(conf.keys[0].spi == 0x100 && conf.ipsec[1].spi_in ==
			0x2001, "hex numbers");
		t_check(conf.timers.proxy_nd_ms == 1500 &&
			conf.timers.fbu_lifetime_ms == 30000 &&
			conf.timers.preauth_lifetime_ms == 3600000 &&
			conf.timers.bindack_max_ms == 32000 &&
			conf.timers.ctx_bridge_ms == 30000, "durations");
		t_check(conf.limits.buffer_bytes == 384000, "limits");
	}
	mhod_conf_free(&conf);
	t_end();

	t_seed("conf", -1, mn_conf, sizeof(mn_conf) - 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		t_seed("conf", -1, bad[i].text, strlen(bad[i].text));
	t_begin("conf: a mobile node's file (CRLF, defaults) parses");
	ret = mhod_conf_parse(&conf, mn_conf, sizeof(mn_conf) - 1, "mn", err);
	if (t_check(ret == 0, "%s", err))
		t_check(conf.role == MHOD_ROLE_MN && conf.timers.fbu_retries == 5 &&
			conf.timers.hi_retries == 3 &&
			conf.timers.bindack_max_ms == 1250 &&
			conf.peers[0].kind == MHOD_PEER_AR &&
			conf.preauth == MHOD_PREAUTH_IKEV2, "values");
	mhod_conf_free(&conf);
	t_end();

	t_seed("conf", -1, ha_conf, sizeof(ha_conf) - 1);
	t_begin("conf: a home agent's file parses");
	ret = mhod_conf_parse(&conf, ha_conf, sizeof(ha_conf) - 1, "ha", err);
	if (t_check(ret == 0, "%s", err))
		t_check(conf.role == MHOD_ROLE_HA && conf.npeers == 2 &&
			conf.nneighbors == 1 &&
			conf.peers[1].kind == MHOD_PEER_MN &&
			conf.timers.binding_lifetime_ms == 60000, "values");
	mhod_conf_free(&conf);
	t_end();

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(want, sizeof(want), "t.conf:%s", bad[i].want);
		t_begin("conf: refused at %s", bad[i].want);
		len = strlen(bad[i].text);
		if (strstr(bad[i].text, "/k"))
			len += 3;	/* the case with a NUL in it */
		ret = mhod_conf_parse(&conf, bad[i].text, len, "t.conf", err);
		t_check(ret == -1 && !strncmp(err, want, strlen(want)),
			"got \"%s\"", err);
		t_end();
	}
	long_line();
	many();
}
