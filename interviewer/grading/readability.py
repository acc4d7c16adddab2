"""Readability of submitted code, judged statically: length, nesting, naming and needless cleverness.

Every finding names the line it is about, so the grade can say exactly what to change.
The code is parsed, never run, here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

LONG_FUNCTION_LINES = 40
DEEP_NESTING = 4
LONG_LINE = 100
ALLOWED_SHORT_NAMES = frozenset({"i", "j", "k", "n", "m", "x", "y", "_", "a", "b", "fn", "id", "ok", "db"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)
_NESTING_NODES = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.Match)


@dataclass
class ReadabilityReview:
    score: float  # 0 (hard to maintain) to 1 (plain and clear)
    findings: list[str] = field(default_factory=list)
    clever: list[str] = field(default_factory=list)  # constructs that trade clarity for brevity

    @property
    def summary(self) -> str:
        if not self.findings and not self.clever:
            return "Readable: short functions, shallow nesting, clear names."
        return "; ".join(self.findings + self.clever)


def _depth(node: ast.AST, level: int = 0) -> int:
    deepest = level
    for child in ast.iter_child_nodes(node):
        deeper = level + 1 if isinstance(child, _NESTING_NODES) else level
        deepest = max(deepest, _depth(child, deeper))
    return deepest


def _names(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.append((node.id, node.lineno))
        elif isinstance(node, ast.arg):
            found.append((node.arg, node.lineno))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node.name, node.lineno))
    return found


def review(code: str) -> ReadabilityReview:
    """Judge the code; code that does not parse is not readable."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return ReadabilityReview(0.0, [f"{where}the code does not parse ({exc.msg})"])
    findings: list[str] = []
    clever: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > LONG_FUNCTION_LINES:
                findings.append(f"line {node.lineno}: {node.name}() is {length} lines long; split it into helpers")
            depth = _depth(node)
            if depth >= DEEP_NESTING:
                findings.append(f"line {node.lineno}: {node.name}() nests {depth} blocks deep; return early instead")
        if isinstance(node, _COMPREHENSIONS) and (
            len(node.generators) > 1 or any(isinstance(inner, _COMPREHENSIONS) for inner in ast.walk(node.elt))
        ):
            clever.append(f"line {node.lineno}: nested comprehension; a loop would read more easily")
        if isinstance(node, ast.Lambda) and any(isinstance(inner, ast.Lambda) for inner in ast.walk(node.body)):
            clever.append(f"line {node.lineno}: a lambda inside a lambda")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "reduce"
            and node.args
            and isinstance(node.args[0], ast.Lambda)
        ):
            clever.append(f"line {node.lineno}: reduce over a lambda; a loop or a built-in says it plainly")
        if isinstance(node, ast.IfExp) and isinstance(node.orelse, ast.IfExp):
            clever.append(f"line {node.lineno}: chained conditional expressions")
    short = sorted({(name, line) for name, line in _names(tree) if len(name) == 1 and name not in ALLOWED_SHORT_NAMES})
    if len(short) >= 3:
        listed = ", ".join(name for name, _ in short[:5])
        findings.append(f"single-letter names ({listed}): name things for what they hold")
    long_lines = [number for number, line in enumerate(code.splitlines(), start=1) if len(line) > LONG_LINE]
    if long_lines:
        findings.append(f"line {long_lines[0]}: {len(long_lines)} line(s) over {LONG_LINE} characters")
    score = max(0.0, 1.0 - 0.2 * len(findings) - 0.25 * len(clever))
    return ReadabilityReview(round(score, 2), findings, clever)
