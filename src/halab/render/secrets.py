"""Secrets that rendered files carry: the stats page login and the app's database password.

They are passed into `render_host` by the caller (the lab creates one set per lab and keeps it
in its state directory with mode 0600), so every host of one stack gets the same values. The
rendered files that contain them (haproxy.cfg, the app's environment file) must be installed
with mode 0600 or 0640, and `halab.render.file_mode` returns the mode for each file.
"""

from __future__ import annotations

import json
import os
import re
import secrets as random_source
from dataclasses import asdict, dataclass
from pathlib import Path

from halab.errors import InvalidInput

# Characters that survive unquoted in haproxy.cfg, an environment file and a URL's userinfo.
SAFE_SECRET = re.compile(r"^[A-Za-z0-9_-]{12,128}$")


@dataclass(frozen=True)
class Secrets:
    """Credentials shared by all hosts of one stack."""

    db_password: str
    stats_password: str
    stats_user: str = "halab"

    def __post_init__(self) -> None:
        for name in ("db_password", "stats_password"):
            if not SAFE_SECRET.match(getattr(self, name)):
                raise InvalidInput(
                    f"secret {name} has an invalid form (value not shown)",
                    hint="use 12-128 characters from A-Z, a-z, 0-9, '_' and '-'",
                )
        if not re.match(r"^[A-Za-z0-9_-]{1,32}$", self.stats_user):
            raise InvalidInput(
                f"stats user {self.stats_user!r} is invalid",
                hint="use 1-32 characters from A-Z, a-z, 0-9, '_' and '-'",
            )

    def __repr__(self) -> str:
        return f"Secrets(stats_user={self.stats_user!r}, passwords hidden)"

    @classmethod
    def generate(cls) -> Secrets:
        """Return new random passwords (32 URL-safe characters each)."""
        return cls(
            db_password=random_source.token_urlsafe(24),
            stats_password=random_source.token_urlsafe(24),
        )

    @classmethod
    def load(cls, path: Path) -> Secrets:
        """Read secrets saved by `save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise InvalidInput(
                f"secrets file {str(path)!r} cannot be read: {exc.__class__.__name__}",
                hint="remove it to generate new secrets, or restore it from a backup",
            ) from exc

    def save(self, path: Path) -> None:
        """Write the secrets as JSON to a new file with mode 0600."""
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle)
