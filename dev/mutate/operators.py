"""The mutants of one source file: every small change a test should notice, found with `ast`.

Each mutant is a splice of the original text (the node's own span replaced by new code), so the
rest of the file stays byte for byte as written and a mutant reads as one change on one line.

Operators (the `operator` column of the report):
    compare    ==/!=, is/is not, in/not in negated; < <= > >= negated and moved over the boundary
    boolean    and <-> or
    arithmetic + - * / // % ** swapped for their nearest neighbour
    not        `not x` -> `x`
    number     n -> n + 1
    string     'abc' -> 'XXabcXX' ('' -> 'XX'; an f-string gains 'XX' in front)
    bool       True <-> False
    none       None -> ''
    return     `return x` -> `return None`
    statement  a call, a raise, an assert, an item or attribute assignment, an augmented
               assignment, `continue` or `break` -> `pass`
    loop       continue <-> break
    entry      one entry of a dict, list, tuple or set literal removed

Left alone: docstrings, annotations, `__all__`, imports, the parts inside an f-string, `if
TYPE_CHECKING:`, the operands of a subscript's tuple (`dict[str, int]`), the fields of a table's
row (a tuple inside a list or tuple: the row itself is the entry) and `a, b = x, y`.
"""

from __future__ import annotations

import ast
import copy
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

COMPARE_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Lt: (ast.GtE, ast.LtE),
    ast.LtE: (ast.Gt, ast.Lt),
    ast.Gt: (ast.LtE, ast.GtE),
    ast.GtE: (ast.Lt, ast.Gt),
}
ARITHMETIC_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}
BOOL_SWAPS: dict[type, type] = {ast.And: ast.Or, ast.Or: ast.And}
# Statements whose removal leaves valid code that still runs (a removed plain assignment would
# only raise NameError later, which every test notices and which says nothing).
REMOVABLE = (ast.Expr, ast.Raise, ast.Assert, ast.AugAssign, ast.Continue, ast.Break, ast.Delete)
MAX_SHOWN = 72


@dataclass(frozen=True)
class Mutant:
    path: str  # as the target table names the file
    line: int
    start: int  # byte offsets of the replaced span in the file's UTF-8 text
    end: int
    replacement: str
    operator: str
    change: str  # one line for the report: `before → after`, or `removed …`
    code: str  # the original line, stripped: with `change`, the mutant's name in the equivalents file

    def apply(self, source: str) -> str:
        data = source.encode()
        return (data[: self.start] + self.replacement.encode() + data[self.end :]).decode()


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


# What a mutant replaces: a node with a source span (an expression or a statement).
Located = ast.expr | ast.stmt


def _parenthesised(node: ast.AST) -> str:
    text = ast.unparse(node)
    return f"({text})" if isinstance(node, (ast.BinOp, ast.BoolOp, ast.Compare, ast.UnaryOp)) else text


class _Finder(ast.NodeVisitor):
    """Walks one module and yields (node, replacement node or text, operator, change) tuples."""

    def __init__(self) -> None:
        self.keywords: dict[int, str] = {}  # a keyword argument's value -> its name, for the report
        self.rows: set[int] = set()  # tuples that are a table's rows: records, whose fields are not entries
        self.found: list[tuple[Located, str, str, str, int]] = []

    def add(
        self, node: Located, new: ast.AST | str, operator: str, change: str | None = None, at: Located | None = None
    ) -> None:
        """One mutant: `node`'s span becomes `new`; the report names the line of `at` (default `node`)."""
        text = new if isinstance(new, str) else _parenthesised(new)
        name = f"{self.keywords[id(node)]}=" if id(node) in self.keywords else ""  # `frozen=True → frozen=False`
        after = new if isinstance(new, str) else ast.unparse(new)
        shown = change or f"{name}{_short(ast.unparse(node))} → {name}{_short(after)}"
        self.found.append((node, text, operator, shown, (at or node).lineno))

    # What is never mutated ---------------------------------------------------------------
    def _body(self, body: list[ast.stmt]) -> None:
        for index, stmt in enumerate(body):
            docstring = (
                index == 0
                and isinstance(stmt, ast.Expr)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            )
            if not docstring:
                self.visit(stmt)

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(child)
        self._body(node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for child in (*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)):
            self.visit(child)
        self._body(node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        if any(isinstance(t, (ast.Subscript, ast.Attribute)) for t in node.targets):
            self.add(node, "pass", "statement", f"removed {_short(ast.unparse(node))}")
        if isinstance(node.targets[0], ast.Tuple) and isinstance(node.value, ast.Tuple):
            self.rows.add(id(node.value))  # `a, b = x, y` unpacks a record
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.AST) -> None:
        return

    visit_ImportFrom = visit_Import

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)
        if isinstance(node.slice, ast.Tuple):
            for element in node.slice.elts:
                self.visit(element)
        else:
            self.visit(node.slice)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None:
            self.keywords[id(node.value)] = node.arg
        self.generic_visit(node)

    # Statements --------------------------------------------------------------------------
    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, REMOVABLE) and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            self.add(node, "pass", "statement", f"removed {_short(ast.unparse(node))}")
        super().generic_visit(node)

    def visit_Continue(self, node: ast.Continue) -> None:
        self.add(node, "break", "loop", "continue → break")
        self.generic_visit(node)

    def visit_Break(self, node: ast.Break) -> None:
        self.add(node, "continue", "loop", "break → continue")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        # A returned constant is already mutated as a constant (`return False` -> `return True`).
        if node.value is not None and not isinstance(node.value, ast.Constant):
            self.add(node, "return None", "return", f"return {_short(ast.unparse(node.value))} → return None")
        self.generic_visit(node)

    # Expressions -------------------------------------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            for swap in COMPARE_SWAPS.get(type(op), ()):
                new = copy.deepcopy(node)
                new.ops[index] = swap()
                self.add(node, new, "compare")
        # `x is None` -> `x is ''` would only repeat `is` -> `is not`, with a SyntaxWarning.
        self.visit(node.left)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if not (isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value is None):
                self.visit(right)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        new = copy.deepcopy(node)
        new.op = BOOL_SWAPS[type(node.op)]()
        self.add(node, new, "boolean")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self._arithmetic(node, statement=False)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._arithmetic(node, statement=True)

    def _arithmetic(self, node: ast.BinOp | ast.AugAssign, statement: bool) -> None:
        swap = ARITHMETIC_SWAPS.get(type(node.op))
        if swap is not None:
            new = copy.deepcopy(node)
            new.op = swap()
            # A statement is spliced as its own text: parentheses around `x += 1` would not parse.
            self.add(node, ast.unparse(new) if statement else new, "arithmetic")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.add(node, node.operand, "not")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, ast.Constant(not value), "bool")
        elif value is None:
            self.add(node, ast.Constant(""), "none")
        elif isinstance(value, (int, float)):
            self.add(node, ast.Constant(value + 1), "number")
        elif isinstance(value, str):
            self.add(node, ast.Constant(f"XX{value}XX" if value else "XX"), "string")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # Python 3.11 gives the parts of an f-string no reliable positions: the whole f-string is one mutant.
        self.add(node, ast.JoinedStr([ast.Constant("XX"), *node.values]), "string")

    def _entries(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        if isinstance(getattr(node, "ctx", None), ast.Store) or id(node) in self.rows:
            return self.generic_visit(node)
        self.rows.update(id(e) for e in node.elts if isinstance(e, ast.Tuple))
        for index, element in enumerate(node.elts):
            new = copy.deepcopy(node)
            del new.elts[index]
            text = "set()" if isinstance(node, ast.Set) and not new.elts else ast.unparse(new)
            self.add(node, text, "entry", f"removed {_short(ast.unparse(element))}", at=element)
        self.generic_visit(node)

    visit_List = visit_Tuple = visit_Set = _entries

    def visit_Dict(self, node: ast.Dict) -> None:
        for index, (key, value) in enumerate(zip(node.keys, node.values, strict=True)):
            new = copy.deepcopy(node)
            del new.keys[index], new.values[index]
            shown = f"**{ast.unparse(value)}" if key is None else f"{ast.unparse(key)}: {ast.unparse(value)}"
            self.add(node, ast.unparse(new), "entry", f"removed {_short(shown)}", at=key or value)
        self.generic_visit(node)


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    for index, byte in enumerate(data):
        if byte == 0x0A:
            starts.append(index + 1)
    return starts


def mutants(path: str, source: str) -> Iterator[Mutant]:
    """Every mutant of `source` (the text of `path`), in the order of the file."""
    finder = _Finder()
    finder.visit(ast.parse(source, filename=path))
    data = source.encode()
    starts = _line_starts(data)
    lines = source.splitlines()
    for node, text, operator, change, line in sorted(finder.found, key=lambda f: (f[4], f[0].col_offset)):
        start = starts[node.lineno - 1] + node.col_offset
        assert node.end_lineno is not None and node.end_col_offset is not None  # ast.parse sets both
        end = starts[node.end_lineno - 1] + node.end_col_offset
        mutant = Mutant(path, line, start, end, text, operator, change, lines[line - 1].strip())
        _check_compiles(mutant, source)
        yield mutant


def _check_compiles(mutant: Mutant, source: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            compile(mutant.apply(source), mutant.path, "exec", dont_inherit=True)
    except SyntaxError as err:  # a bug in an operator, never the file's fault
        raise AssertionError(f"{mutant.path}:{mutant.line}: mutant `{mutant.change}` does not compile: {err}") from err
