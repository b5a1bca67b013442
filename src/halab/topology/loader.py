"""Load a topology from a built-in name or a YAML file into `Topology`.

YAML syntax errors and pydantic validation errors both become `InvalidInput`. A syntax error
gives its line and column. A validation error gives one problem per bad field, with its path
(for example `hosts[2].address`), the value, and the line of the file where the value is.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from halab.errors import InvalidInput

from .model import Topology

log = logging.getLogger(__name__)

BUILTIN_PACKAGE = "halab.topology.builtin"

# A field path as pydantic reports it: keys and list indexes from the root of the document.
FieldPath = tuple[str | int, ...]


def builtin_names() -> list[str]:
    """Return the names of the topologies shipped in the package, sorted."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def load_topology(name_or_path: str) -> Topology:
    """Load a built-in topology by name, or a topology file by path.

    A value that names an existing file, ends in `.yaml`/`.yml` or contains a slash is read as
    a path. Anything else must be a built-in name. Raises InvalidInput on every failure.
    """
    path = Path(name_or_path)
    if path.is_file() or path.suffix in (".yaml", ".yml") or "/" in name_or_path:
        return _load_file(path)

    if name_or_path not in builtin_names():
        raise InvalidInput(
            f"unknown topology {name_or_path!r}",
            hint=f"use a built-in ({', '.join(builtin_names())}) or the path of a YAML file",
        )
    text = resources.files(BUILTIN_PACKAGE).joinpath(f"{name_or_path}.yaml").read_text("utf-8")
    return parse_topology(text, source=f"built-in topology {name_or_path}")


def _load_file(path: Path) -> Topology:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"topology file {str(path)!r} cannot be read: {exc.strerror}",
            hint="check the path, or give a built-in name: " + ", ".join(builtin_names()),
        ) from exc
    return parse_topology(text, source=str(path))


def parse_topology(text: str, source: str = "<string>") -> Topology:
    """Parse YAML text into a Topology; `source` names the text in error messages."""
    try:
        document = yaml.safe_load(text)
        root_node = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(
            f"{source}: invalid YAML: {_yaml_error_text(exc)}",
            hint="fix the YAML syntax at that line",
        ) from exc

    if not isinstance(document, dict):
        raise InvalidInput(
            f"{source}: expected a mapping at the top level, found {type(document).__name__}",
            hint="start the file with keys such as `name:`, `hosts:` and `balancers:`",
        )

    try:
        topology = Topology.model_validate(document)
    except ValidationError as exc:
        lines = _line_index(root_node)
        problems = [_describe_error(error, lines) for error in exc.errors()]
        raise InvalidInput(
            f"{source}: {len(problems)} invalid field(s)",
            hint="fix each field listed above; unknown keys are rejected to catch typos",
            problems=problems,
        ) from exc
    log.debug("loaded topology %s from %s", topology.name, source)
    return topology


def _yaml_error_text(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return problem
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


def _line_index(root: yaml.Node | None) -> dict[FieldPath, int]:
    """Map each field path in a composed YAML document to its 1-based line number."""
    index: dict[FieldPath, int] = {}
    stack: list[tuple[FieldPath, yaml.Node]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.append(((*path, str(key_node.value)), value_node))
        elif isinstance(node, yaml.SequenceNode):
            for position, item in enumerate(node.value):
                stack.append(((*path, position), item))
    return index


def _describe_error(error: dict[str, Any], lines: dict[FieldPath, int]) -> str:
    path: FieldPath = tuple(error["loc"])
    where = _format_path(path)
    line = _nearest_line(path, lines)
    at_line = f" (line {line})" if line else ""
    if error["type"] == "missing":
        return f"{where}: required field is missing{at_line}"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown field{at_line}; remove it or fix its spelling"
    return f"{where}: {error['input']!r} is invalid: {error['msg']}{at_line}"


def _format_path(path: FieldPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text or "<top level>"


def _nearest_line(path: FieldPath, lines: dict[FieldPath, int]) -> int | None:
    """Return the line of `path`, or of its closest parent when the field itself is absent."""
    for length in range(len(path), -1, -1):
        line = lines.get(path[:length])
        if line is not None:
            return line
    return None
