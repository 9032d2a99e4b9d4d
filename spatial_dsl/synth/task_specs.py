"""What `spdsl synth` is asked for: a task template (by name, file or directory) or a free
description, and the task's part of the prompt."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .prompt_files import PromptError, render


@dataclass(frozen=True)
class TaskSpec:
    """The kind of question wanted: a task template, or a free description."""

    name: str  # the template's task name, or custom_<hash> for a description
    description: str
    template: object | None = None  # tasks.TaskTemplate

    @property
    def free(self) -> bool:
        return self.template is None

    @property
    def grammar_answer(self) -> str:
        """What its answer is, for the scene grammar: ``number`` for a template that answers
        a number or quantity, else ``any`` (a free description says no type)."""
        from .constrained import grammar_answer

        return "any" if self.template is None else grammar_answer(self.template.answer_type)

    def config(self) -> dict:
        if self.template is None:
            return {"task": self.name, "description": self.description}
        return {"task": self.name, "sha256": self.template.sha256}


def free_task(description: str) -> TaskSpec:
    digest = hashlib.sha256(description.encode("utf-8")).hexdigest()[:10]
    return TaskSpec(f"custom_{digest}", description.strip())


def resolve_tasks(specs: list[str]) -> list[TaskSpec]:
    """Task templates (names, files, directories, ``all``; comma lists) and free
    descriptions (any argument containing a space, taken whole).

    Raises PromptError for unknown names and broken template files.
    """
    from ..tasks import TaskSpecError, load_tasks

    out: list[TaskSpec] = []
    for spec in specs:
        text = str(spec).strip()
        if not text:
            continue
        if any(ch.isspace() for ch in text):
            out.append(free_task(text))
            continue
        try:
            templates, broken = load_tasks([text])
        except TaskSpecError as exc:
            raise PromptError(f"{exc} (or describe the questions wanted in words, with "
                              "spaces)") from None
        if broken:
            raise PromptError("task file does not compile: " + broken[0].reason)
        out.extend(TaskSpec(t.name, t.description, t) for t in templates)
    names: dict[str, TaskSpec] = {}
    for t in out:
        names.setdefault(t.name, t)
    return list(names.values())


def _leading_comment(text: str) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append(stripped.lstrip("#").strip())
    return " ".join(x for x in lines if x)


def task_text(task: TaskSpec) -> str:
    if task.template is None:
        return render("task_free.txt", description=task.description)
    t = task.template
    from ..tasks import PLACEHOLDER

    asks = "\n".join("- " + PLACEHOLDER.sub(r"<\1>", a.text) for a in t.task.asks)
    return render("task_named.txt", name=t.name, modality=t.modality,
                  description=_leading_comment(t.text) or t.description or t.name, asks=asks)
