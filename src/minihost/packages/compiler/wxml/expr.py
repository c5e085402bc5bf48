"""The `{{ }}` expression grammar (a Pratt parser) producing the contract's expression AST."""

from __future__ import annotations

import functools
import re
from typing import Any

Expr = dict[str, Any]


class ExprError(Exception):
    """A syntax error at `offset`, an index into the text the expression was cut from."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<num>0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<plain>"[^"\\\n\r]*"|'[^'\\\n\r]*')
    | (?P<str>"|')
    | (?P<id>[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*)
    | (?P<op>\.\.\.|===|!==|==|!=|<=|>=|&&|\|\||\?\?|\?\.|[-+*/%<>!~?:.,()\[\]{}=&|^;@\#`\\])
    )""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_STR_CHUNK = re.compile(r"[^\\\"'\n\r]+")

# Binding power of binary operators; `??` binds loosest so that `a || b ?? c` still parses.
_BINARY = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 4,
    "!=": 4,
    "===": 4,
    "!==": 4,
    "<": 5,
    "<=": 5,
    ">": 5,
    ">=": 5,
    "in": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
}
_UNARY = frozenset({"!", "-", "+", "~"})
_UNSUPPORTED = {
    "=": "assignment is not allowed in a template expression",
    "&": "bitwise operators are not supported in templates",
    "|": "bitwise operators are not supported in templates",
    "^": "bitwise operators are not supported in templates",
    "?.": "optional chaining (?.) is not supported in WXML",
    "`": "template strings are not supported in WXML",
}
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_MAX_SAFE = 2**53

Token = tuple[str, Any, int]  # kind ("num", "str", "id", "op", "eof"), value, offset


def tokenize(text: str, start: int, end: int) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    pos = start
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos, end)
        if m is None:
            rest = text[pos:end]
            if rest.isspace():
                break
            pos += len(rest) - len(rest.lstrip())
            raise ExprError(pos, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup
        tok_start = m.start(kind)  # type: ignore[arg-type]
        pos = m.end()
        if kind == "id":
            append(("id", m.group(kind), tok_start))
        elif kind == "op":
            tok = m.group(kind)
            if tok in _UNSUPPORTED:
                raise ExprError(tok_start, _UNSUPPORTED[tok])
            append(("op", tok, tok_start))
        elif kind == "plain":
            append(("str", m.group(kind)[1:-1], tok_start))
        elif kind == "num":
            if pos < end and (text[pos].isalpha() or text[pos] in "_$"):
                raise ExprError(pos, f"unexpected character {text[pos]!r} after number")
            append(("num", _number(m.group(kind), tok_start), tok_start))
        else:
            value, pos = _read_string(text, tok_start, end)
            append(("str", value, tok_start))
    tokens.append(("eof", None, end))
    return tokens


def _number(tok: str, pos: int) -> int | float:
    low = tok.lower()
    if low.startswith(("0x", "0o", "0b")):
        value: int | float = int(tok, 0)
    elif any(c in low for c in ".e"):
        value = float(tok)
        if value == float("inf"):
            raise ExprError(pos, f"number {tok} is out of range")
        if value.is_integer() and abs(value) < _MAX_SAFE and "." not in low:
            value = int(value)
    else:
        value = int(tok, 10)
    if isinstance(value, int) and abs(value) > _MAX_SAFE:
        value = float(value)
    return value


def _read_string(text: str, pos: int, end: int) -> tuple[str, int]:
    quote = text[pos]
    i = pos + 1
    out: list[str] = []
    while True:
        if i >= end:
            raise ExprError(pos, "unterminated string")
        m = _STR_CHUNK.match(text, i, end)
        if m:
            out.append(m.group())
            i = m.end()
            continue
        c = text[i]
        if c == quote:
            return "".join(out), i + 1
        if c in "\n\r":
            raise ExprError(pos, "unterminated string")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= end:
            raise ExprError(pos, "unterminated string")
        e = text[i + 1]
        i += 2
        if e in _ESCAPES and not (e == "0" and i < end and text[i].isdigit()):
            out.append(_ESCAPES[e])
        elif e == "x":
            h = text[i : i + 2]
            if len(h) != 2 or not all(ch in "0123456789abcdefABCDEF" for ch in h):
                raise ExprError(i - 2, "invalid \\x escape")
            out.append(chr(int(h, 16)))
            i += 2
        elif e == "u":
            if text.startswith("{", i):
                close = text.find("}", i, end)
                h = text[i + 1 : close] if close != -1 else ""
                i = close + 1
            else:
                h = text[i : i + 4]
                i += 4
            if not h or len(h) > 6 or not all(ch in "0123456789abcdefABCDEF" for ch in h):
                raise ExprError(pos, "invalid \\u escape")
            code = int(h, 16)
            if code > 0x10FFFF:
                raise ExprError(pos, "invalid \\u escape")
            out.append(chr(code))
        elif e == "\r":
            if text.startswith("\n", i):
                i += 1
        elif e in "\n\u2028\u2029":
            pass  # line continuation
        else:
            out.append(e)


class Parser:
    __slots__ = ("i", "tokens")

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        if tok[0] != "eof":
            self.i += 1
        return tok

    def at(self, value: str) -> bool:
        tok = self.tokens[self.i]
        return tok[0] == "op" and tok[1] == value

    def expect(self, value: str) -> Token:
        tok = self.next()
        if tok[0] != "op" or tok[1] != value:
            raise ExprError(tok[2], f"expected {value!r} but found {_describe(tok)}")
        return tok

    def expect_end(self) -> None:
        tok = self.peek()
        if tok[0] != "eof":
            raise ExprError(tok[2], f"unexpected {_describe(tok)}")

    # expression := conditional
    def expression(self) -> Expr:
        cond = self.binary(1)
        if self.at("?"):
            self.next()
            a = self.expression()
            self.expect(":")
            b = self.expression()
            return {"k": "cond", "c": cond, "a": a, "b": b}
        return cond

    def binary(self, min_power: int) -> Expr:
        left = self.unary()
        while True:
            kind, value, _ = self.tokens[self.i]
            if kind not in ("op", "id"):
                return left
            power = _BINARY.get(value)
            if power is None or power < min_power or (kind == "id" and value != "in"):
                return left
            self.i += 1
            right = self.binary(power + 1)
            left = {"k": "bin", "op": value, "l": left, "r": right}

    def unary(self) -> Expr:
        kind, value, _ = self.tokens[self.i]
        if (kind == "op" and value in _UNARY) or (kind == "id" and value == "typeof"):
            self.i += 1
            return {"k": "un", "op": value, "a": self.unary()}
        return self.postfix()

    def postfix(self) -> Expr:
        expr = self.primary()
        tokens = self.tokens
        while True:
            kind, value, _ = tokens[self.i]
            if kind != "op":
                return expr
            if value == ".":
                self.i += 1
                tok = self.next()
                if tok[0] != "id":
                    raise ExprError(tok[2], f"expected a property name after '.' but found {_describe(tok)}")
                expr = {"k": "mem", "o": expr, "p": {"k": "lit", "v": tok[1]}}
            elif value == "[":
                self.i += 1
                prop = self.expression()
                self.expect("]")
                expr = {"k": "mem", "o": expr, "p": prop}
            elif value == "(":
                self.i += 1
                args: list[Expr] = []
                while not self.at(")"):
                    args.append(self.expression())
                    if not self.at(")"):
                        self.expect(",")
                self.i += 1
                expr = {"k": "call", "f": expr, "args": args}
            else:
                return expr

    def primary(self) -> Expr:
        kind, value, offset = self.next()
        if kind in ("num", "str"):
            return {"k": "lit", "v": value}
        if kind == "id":
            if value in _LITERALS:
                return {"k": "lit", "v": _LITERALS[value]}
            if value == "undefined":
                return {"k": "lit"}  # a lit without "v": JSON has no undefined
            return {"k": "id", "n": value}
        if kind == "op":
            if value == "(":
                inner = self.expression()
                self.expect(")")
                return inner
            if value == "[":
                return self.array()
            if value == "{":
                obj = self.object_body("}")
                self.expect("}")
                return obj
        raise ExprError(offset, f"unexpected {_describe((kind, value, offset))}")

    def array(self) -> Expr:
        items: list[Expr] = []
        while not self.at("]"):
            if self.at(","):  # a hole, as in [1, , 2]
                items.append({"k": "lit"})
                self.next()
                continue
            items.append(self.spread_or_expression())
            if not self.at("]"):
                self.expect(",")
        self.next()
        return {"k": "arr", "items": items}

    def spread_or_expression(self) -> Expr:
        if self.at("..."):
            self.next()
            return {"k": "spread", "a": self.expression()}
        return self.expression()

    def object_body(self, close: str | None) -> Expr:
        """Properties up to `close` (or the end of input when None), which is left unread."""
        props: list[Expr] = []

        def done() -> bool:
            return self.peek()[0] == "eof" if close is None else self.at(close)

        while not done():
            if self.at("..."):
                self.next()
                props.append({"k": "spread", "a": self.expression()})
            else:
                kind, value, offset = self.next()
                if kind == "id" or kind == "str":
                    key = str(value)
                elif kind == "num":
                    key = _js_number_key(value)
                else:
                    raise ExprError(offset, f"expected a property name but found {_describe((kind, value, offset))}")
                if self.at(":"):
                    self.next()
                    props.append({"key": key, "v": self.expression()})
                elif kind == "id":
                    props.append({"key": key, "v": _shorthand(key)})
                else:
                    raise ExprError(self.peek()[2], f"expected ':' after property {key!r}")
            if not done():
                self.expect(",")
        return {"k": "obj", "props": props}


def _shorthand(name: str) -> Expr:
    if name in _LITERALS:
        return {"k": "lit", "v": _LITERALS[name]}
    if name == "undefined":
        return {"k": "lit"}
    return {"k": "id", "n": name}


def _js_number_key(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _describe(tok: Token) -> str:
    kind, value, _ = tok
    if kind == "eof":
        return "end of expression"
    if kind == "str":
        return "string"
    if kind == "num":
        return f"number {value}"
    return repr(value)


def parse_expression(text: str, start: int, end: int, *, object_body: str = "auto") -> Expr:
    """Parse `text[start:end]`, the inside of one `{{ }}` (see `_parse`); errors carry offsets into
    `text`. The same expression text is parsed once: templates repeat `{{item.name}}` a lot."""
    try:
        return _parse(text[start:end], object_body)
    except ExprError as exc:
        raise ExprError(exc.offset + start, exc.message) from None


# The trees are shared between callers, who never modify them.
@functools.lru_cache(maxsize=16384)
def _parse(text: str, object_body: str) -> Expr:
    """Parse one `{{ }}` content.

    `object_body` tells whether a bare property list (`a: 1, ...b`, WeChat's way of writing an object
    without braces) is accepted: "auto" when it cannot be mistaken for an expression, "data" (template
    `data`, where `{{item}}` means `{item: item}`), or "never".
    """
    tokens = tokenize(text, 0, len(text))
    parser = Parser(tokens)
    if tokens[0][0] == "eof":
        raise ExprError(0, "empty expression")
    if object_body != "never":
        first, second = tokens[0], tokens[1] if len(tokens) > 1 else tokens[0]
        bare = (first[0] == "op" and first[1] == "...") or (
            (first[0] in ("id", "str", "num") and second[0] == "op" and second[1] in (":", ","))
            or (object_body == "data" and first[0] == "id" and second[0] == "eof")
        )
        if bare:
            obj = parser.object_body(None)
            parser.expect_end()
            return obj
    expr = parser.expression()
    parser.expect_end()
    return expr
