"""Compile diagnostics: every problem names the package file and the 1-based line and column."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class CompileMessage:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CompileFailed(Exception):
    """Raised by `compile_package` with every error found, not only the first."""

    def __init__(self, errors: list[CompileMessage]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class Diagnostics:
    errors: list[CompileMessage] = field(default_factory=list)
    warnings: list[CompileMessage] = field(default_factory=list)

    def error(self, file: str, line: int, column: int, message: str) -> None:
        self.errors.append(CompileMessage(file, line, column, message))

    def warn(self, file: str, line: int, column: int, message: str) -> None:
        self.warnings.append(CompileMessage(file, line, column, message))


class LineIndex:
    """Maps character offsets of one text to 1-based (line, column)."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def pos(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1
