"""Errors raised by the award's domain."""


class AwardError(Exception):
    """A problem with the award's content, stated for the person who must fix it."""


class UnknownYearError(AwardError):
    """A date falls in a year whose holiday schedule is not known."""
