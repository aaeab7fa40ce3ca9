"""The finding codes Python raises by name: those no rule of `rules.yaml` carries, because the check is
the reading of the input itself (an unknown field, a wrong type or unit), an obligation of Annex A, a
default of clause 8, or a step of Annex D. Named here once, so that a test ties each to the edition's
findings data (findings.yaml, findings-activity.yaml) with its severity.

A code raised by a rule kind (a range, the date order, a boundary requirement, the implied power, the
GHG consistency, a market figure without its location figure) is not here: it is read from that rule's
entry in rules.yaml.
"""

from __future__ import annotations

# reading the input (clause 4)
UNKNOWN_FIELD = "E-FIELD"  # 4.1
WRONG_TYPE = "E-TYPE"  # 4.2: the value is ignored
UNIT_NOT_ACCEPTED = "E-UNIT"  # 1.3, 4.2: the value is ignored
# obligations and withheld values (4.3, 4.4, Annex A)
MISSING = "M-REQ"
MISSING_UNDER_CONDITION = "M-REQ-COND"
WITHHELD = "W-WITHHELD"
# boundary, data quality, calculation (6.1, 9.1, 8.4)
OUTSIDE_BOUNDARY = "W-BND-1"
NO_METHOD_OR_SOURCE = "W-DQ-1"
DEFAULT_USAGE_RATE = "I-CALC-2"
# edition D1.1: the edition (A1) and activity data (Annex D)
EDITION_DEFAULTED = "I-ED-1"
ACTIVITY_TABLE_UNUSABLE = "E-ACT-1"
ACTIVITY_ROWS_REJECTED = "E-ACT-2"
ACTIVITY_WITHOUT_HOURLY_INTENSITY = "W-ACT-3"
ACTIVITY_REPEATED_KEY = "W-ACT-4"
ACTIVITY_HOURLY_AGAINST_AVERAGE = "I-ACT-5"
ACTIVITY_DISAGREES = "W-ACT-6"
ACTIVITY_FILE_DIFFERS = "E-ACT-7"
ACTIVITY_OUTSIDE_PERIOD = "I-ACT-8"
