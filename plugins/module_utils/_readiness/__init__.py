# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The estate readiness report: read-only collectors per instance, node and organization, and its renderers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
