"""The result of validating a topology: errors and warnings, each one message."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Findings:
    """Errors that make a topology unusable, and warnings that only weaken it."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
