"""Errors a user can fix, as opposed to bugs.

A ``UserError`` carries a Vietnamese message written for the person using An Sinh (naming the row
and column where there is one). Pages show it with one helper (``ui.feedback``) and the CLI prints
it with one handler; anything else that escapes the data layer is a bug: logged, never shown as a
traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; ``str(error)`` is the Vietnamese message."""


class NotFound(UserError):
    """The ward, person, campaign… asked for does not exist (or is outside the user's scope)."""


class Forbidden(UserError):
    """The user's role or wards do not allow this."""


class Invalid(UserError):
    """A value, row or file breaks a rule."""


class Conflict(UserError):
    """Someone else changed the data first, or the change would duplicate what is stored."""


class Locked(UserError):
    """The data is locked (an approved ward's campaign figures, a locked payroll month)."""
