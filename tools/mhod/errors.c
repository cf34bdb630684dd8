// SPDX-License-Identifier: GPL-2.0
/*
 * Names and descriptions of the wire layer's error codes and messages.
 */
#include "bytes.h"
#include "wire.h"

/* In enum order: the X-macro list is the enum. */
#define ERR_NAME(name, desc) #name,
#define ERR_DESC(name, desc) desc,

static const char *const err_names[MHOD_E__MAX] = { MHOD_ERRORS(ERR_NAME) };
static const char *const err_descs[MHOD_E__MAX] = { MHOD_ERRORS(ERR_DESC) };

const char *mhod_err_name(enum mhod_err err)
{
	return (unsigned int)err < MHOD_E__MAX ? err_names[err] : "UNKNOWN";
}

const char *mhod_strerror(enum mhod_err err)
{
	return (unsigned int)err < MHOD_E__MAX ? err_descs[err] :
		"unknown error";
}

static const char *const msg_names[] = {
	[MHOD_MSG_NONE] = "none",
	[MHOD_MSG_RTSOLPR] = "RtSolPr",
	[MHOD_MSG_PRRTADV] = "PrRtAdv",
	[MHOD_MSG_HI_4068] = "HI(RFC 4068)",
	[MHOD_MSG_HACK_4068] = "HAck(RFC 4068)",
	[MHOD_MSG_NA] = "NA",
	[MHOD_MSG_RA] = "RA",
	[MHOD_MSG_CXTP] = "CXTP",
	[MHOD_MSG_BU] = "BU",
	[MHOD_MSG_BA] = "BA",
	[MHOD_MSG_BE] = "BE",
	[MHOD_MSG_FBU] = "FBU",
	[MHOD_MSG_FBACK] = "FBack",
	[MHOD_MSG_HI] = "HI",
	[MHOD_MSG_HACK] = "HAck",
};

const char *mhod_msg_name(enum mhod_msg msg)
{
	if ((unsigned int)msg < ARRAY_SIZE(msg_names))
		return msg_names[msg];
	return "unknown";
}
