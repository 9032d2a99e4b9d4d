"""The prompt files of `spdsl synth` (``prompts/*.txt``): reading them, filling their
``{placeholders}``, the named snippets, the example task list and the files' digest."""

from __future__ import annotations

import hashlib
import re
from functools import cache

from spatial_dsl.errors import SpdslError
from ..resources import data_dir

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class PromptError(SpdslError):
    """A prompt file is missing or uses a placeholder that is not filled."""


@cache
def template(name: str) -> str:
    path = data_dir("prompts") / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"prompt file {path}: {exc.strerror or exc}") from None


def fill(text: str, values: dict[str, object]) -> str:
    """Replace every ``{name}``; a placeholder without a value is an error."""
    missing = sorted({m for m in _PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise PromptError(f"prompt placeholder(s) without a value: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: str(values[m[1]]), text)


def render(file: str, /, **values) -> str:
    return fill(template(file), values).strip("\n")


@cache
def snippets() -> dict[str, str]:
    out: dict[str, str] = {}
    name = None
    lines: list[str] = []
    for line in template("snippets.txt").splitlines():
        if line.startswith("@@"):
            if name is not None:
                out[name] = "\n".join(lines).strip("\n")
            name, lines = line[2:].strip(), []
        elif name is not None:
            lines.append(line)
    if name is not None:
        out[name] = "\n".join(lines).strip("\n")
    return out


def snippet(name: str, /, **values) -> str:
    try:
        text = snippets()[name]
    except KeyError:
        raise PromptError(f"prompts/snippets.txt has no text `{name}`") from None
    return fill(text, values)


def example_task_names() -> list[str]:
    return [line.strip() for line in template("examples.txt").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def prompt_files_digest() -> str:
    """sha256 over every prompt file (part of a synth run's configuration)."""
    h = hashlib.sha256()
    for path in sorted(data_dir("prompts").glob("*.txt")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
