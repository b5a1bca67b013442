"""Exceptions that the CLI maps to exit codes and one-line messages.

Library code raises these and never calls sys.exit. Each error carries the message that names
the bad value and a hint with the fix, so `halab` can print both without a traceback.
"""

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID_INPUT = 3
    MISSING_DEPENDENCY = 4
    NOT_PERMITTED = 5
    LAB_STATE = 6
    INTERRUPTED = 130


class HalabError(Exception):
    """Base class: a failure the user can act on, with an optional hint."""

    exit_status = ExitStatus.ERROR

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nhint: {self.hint}"
        return self.message


class InvalidInput(HalabError):
    """A topology, scenario or option value that fails validation."""

    exit_status = ExitStatus.INVALID_INPUT

    def __init__(self, message: str, hint: str | None = None, problems: list[str] | None = None):
        super().__init__(message, hint)
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {problem}" for problem in self.problems)]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


class MissingDependency(HalabError):
    """A binary or package that a command needs is not installed."""

    exit_status = ExitStatus.MISSING_DEPENDENCY


class NotPermitted(HalabError):
    """The command needs root or a capability it does not have."""

    exit_status = ExitStatus.NOT_PERMITTED


class LabStateError(HalabError):
    """The lab is not in the state the command needs (already up, not up, host unknown)."""

    exit_status = ExitStatus.LAB_STATE
