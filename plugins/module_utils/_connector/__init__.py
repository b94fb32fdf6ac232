# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Cloud connectors: the organization connector on the cloud side, the DC side that applies its client
credentials, the credentials themselves (fingerprints, files) and waiting for a status."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
