"""Prompt templates from `prompts/NAME.LANG.txt` (the `prompts` package's data, so an installed
assistant finds them as a checkout does), loaded into a checked structure (format: see
prompts/README.md). Rendering checks the variables both ways: a template variable without a
value and a value the template does not use are both errors."""

import re
import string
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from llama_index.core.llms import ChatMessage, MessageRole

from assistant.core.text import Language

PROMPTS_DIR: Traversable = files("prompts")
_SECTION = re.compile(r"^### (\w+)\s*$", re.M)


class PromptError(ValueError):
    """A template that is malformed or rendered with the wrong variables."""


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str

    @property
    def variables(self) -> frozenset[str]:
        return _fields(self.system) | _fields(self.user)

    def render(self, **values: str) -> list[ChatMessage]:
        """The chat messages with `values` filled in.

        >>> load_prompt("condense", "en").render(history="Q: a", question="b")[1].content.splitlines()[1]
        'Q: a'
        """
        missing, unused = self.variables - values.keys(), values.keys() - self.variables
        if missing or unused:
            raise PromptError(
                f"prompt {self.name}: missing {sorted(missing) or '-'}, "
                f"not in the template {sorted(unused) or '-'}"
            )
        return [
            ChatMessage(role=MessageRole.SYSTEM, content=self.system.format(**values)),
            ChatMessage(role=MessageRole.USER, content=self.user.format(**values)),
        ]


@cache
def load_prompt(name: str, language: Language, directory: Traversable = PROMPTS_DIR) -> Prompt:
    path = directory / f"{name}.{language}.txt"
    if not path.is_file():
        raise PromptError(f"no prompt template {path}")
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    if parts[0].strip():
        raise PromptError(f"{path}: text before the first '### system' line")
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    if set(sections) != {"system", "user"}:
        raise PromptError(f"{path}: needs exactly the sections system and user, has {sorted(sections)}")
    prompt = Prompt(name, sections["system"], sections["user"])
    prompt.variables  # noqa: B018 (parses both sections: a stray brace fails here, at load)
    return prompt


def _fields(template: str) -> frozenset[str]:
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as exc:
        raise PromptError(f"malformed template: {exc}") from exc
    if bad := [n for n in names if not n.isidentifier()]:
        raise PromptError(f"template fields must be plain names, not {bad}")
    return frozenset(names)
