# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause

""" YNL library """

from .nlspec import SpecAttr, SpecAttrSet, SpecEnumEntry, SpecEnumSet, \
    SpecFamily, SpecOperation, SpecSubMessage, SpecSubMessageFormat, \
    SpecException
from .ynl import YnlFamily, Netlink, NlError, NlPolicy, YnlException

from .doc_generator import YnlDocGenerator

__all__ = ["SpecAttr", "SpecAttrSet", "SpecEnumEntry", "SpecEnumSet",
           "SpecFamily", "SpecOperation", "SpecSubMessage", "SpecSubMessageFormat",
           "SpecException",
           "YnlFamily", "Netlink", "NlError", "NlPolicy", "YnlException",
           "YnlDocGenerator"]
