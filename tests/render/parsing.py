"""Small parsers for rendered files, so tests assert directives rather than raw text."""

from __future__ import annotations

from dataclasses import dataclass, field


def haproxy_sections(text: str) -> dict[str, list[str]]:
    """Return {section header: directive lines} of an haproxy.cfg, comments dropped.

    Repeated headers (several `defaults`) get a suffix: `defaults`, `defaults#2`, ...
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        if not raw.startswith((" ", "\t")):
            header = line.strip()
            key, count = header, 2
            while key in sections:
                key, count = f"{header}#{count}", count + 1
            sections[key] = current = []
        else:
            assert current is not None, f"directive outside a section: {raw!r}"
            current.append(" ".join(line.split()))
    return sections


def comment_before(text: str, directive: str) -> str:
    """Return the comment lines directly above the first line starting with `directive`."""
    lines = text.splitlines()
    for index, raw in enumerate(lines):
        if raw.strip().startswith(directive):
            comments = []
            for previous in reversed(lines[:index]):
                if not previous.strip().startswith(("#", "!")):
                    break
                comments.insert(0, previous.strip().lstrip("#!").strip())
            return " ".join(comments)
    raise AssertionError(f"{directive!r} not found")


@dataclass
class Block:
    """A Keepalived block: its directive lines and nested blocks, in order."""

    header: str
    lines: list[str] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)

    def child(self, header: str) -> Block:
        matches = [block for block in self.children if block.header == header]
        assert len(matches) == 1, f"{len(matches)} blocks {header!r} in {self.header!r}"
        return matches[0]


def keepalived_blocks(text: str) -> Block:
    """Parse a keepalived.conf into nested blocks; comments (`#`, `!`) are dropped."""
    root = Block("<root>")
    stack = [root]
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        line = " ".join(line.split())
        if line.endswith("{"):
            block = Block(line[:-1].strip())
            stack[-1].children.append(block)
            stack.append(block)
        elif line == "}":
            stack.pop()
        else:
            stack[-1].lines.append(line)
    assert len(stack) == 1, "unbalanced braces"
    return root


def ini_sections(text: str) -> dict[str, dict[str, str]]:
    """Parse a my.cnf into {section: {option: value}}; options without a value map to ""."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        assert current is not None, f"option outside a section: {raw!r}"
        name, _, value = line.partition("=")
        current[name.strip()] = value.strip()
    return sections
