"""The `{{ }}` grammar: each expression kind, as the runtime will receive it."""

from __future__ import annotations

from typing import Any

import pytest

from minihost.packages.compiler.wxml.expr import ExprError, parse_expression

from .helpers import ident, lit


def parse(src: str, mode: str = "auto") -> Any:
    return parse_expression(src, 0, len(src), object_body=mode)


@pytest.mark.parametrize(
    ("src", "value"),
    [
        ("1", 1),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e3", 1000),
        ("0x1F", 31),
        ("'a'", "a"),
        ('"a\\"b"', 'a"b'),
        ("'it\\'s'", "it's"),
        ("'\\n\\t\\\\'", "\n\t\\"),
        ("'\\x41\\u0042\\u{1F600}'", "AB\U0001f600"),
        ("true", True),
        ("false", False),
        ("null", None),
        ("'中文'", "中文"),
    ],
)
def test_literals(src: str, value: Any) -> None:
    assert parse(src) == lit(value)


def test_undefined_is_a_literal_without_value() -> None:
    assert parse("undefined") == {"k": "lit"}


def test_identifier_and_member_access() -> None:
    assert parse("a.b[0]['c']") == {
        "k": "mem",
        "o": {"k": "mem", "o": {"k": "mem", "o": ident("a"), "p": lit("b")}, "p": lit(0)},
        "p": lit("c"),
    }


def test_keywords_are_property_names_after_a_dot() -> None:
    assert parse("a.if.class") == {"k": "mem", "o": {"k": "mem", "o": ident("a"), "p": lit("if")}, "p": lit("class")}


@pytest.mark.parametrize("op", ["!", "-", "+", "~"])
def test_unary(op: str) -> None:
    assert parse(f"{op}a") == {"k": "un", "op": op, "a": ident("a")}


def test_typeof() -> None:
    assert parse("typeof a == 'string'") == {
        "k": "bin",
        "op": "==",
        "l": {"k": "un", "op": "typeof", "a": ident("a")},
        "r": lit("string"),
    }


def test_precedence_of_arithmetic() -> None:
    assert parse("a + b * c - d") == {
        "k": "bin",
        "op": "-",
        "l": {"k": "bin", "op": "+", "l": ident("a"), "r": {"k": "bin", "op": "*", "l": ident("b"), "r": ident("c")}},
        "r": ident("d"),
    }


@pytest.mark.parametrize("op", ["==", "!=", "===", "!==", "<", "<=", ">", ">=", "%", "/", "in"])
def test_binary_operators(op: str) -> None:
    assert parse(f"a {op} b") == {"k": "bin", "op": op, "l": ident("a"), "r": ident("b")}


def test_logical_precedence() -> None:
    assert parse("a || b && c") == {
        "k": "bin",
        "op": "||",
        "l": ident("a"),
        "r": {"k": "bin", "op": "&&", "l": ident("b"), "r": ident("c")},
    }
    assert parse("a ?? b")["op"] == "??"


def test_comparison_binds_tighter_than_logic() -> None:
    assert parse("a > 1 && b")["op"] == "&&"


def test_ternary_is_right_associative() -> None:
    assert parse("a ? 1 : b ? 2 : 3") == {
        "k": "cond",
        "c": ident("a"),
        "a": lit(1),
        "b": {"k": "cond", "c": ident("b"), "a": lit(2), "b": lit(3)},
    }


def test_parentheses() -> None:
    assert parse("(a + b) * 2")["l"]["op"] == "+"


def test_array_with_spread() -> None:
    assert parse("[1, a, ...b]") == {"k": "arr", "items": [lit(1), ident("a"), {"k": "spread", "a": ident("b")}]}


def test_object_literal_with_shorthand_and_spread() -> None:
    assert parse("{a: 1, 'b-c': x, d, ...e}") == {
        "k": "obj",
        "props": [
            {"key": "a", "v": lit(1)},
            {"key": "b-c", "v": ident("x")},
            {"key": "d", "v": ident("d")},
            {"k": "spread", "a": ident("e")},
        ],
    }


def test_bare_property_list_is_an_object() -> None:
    # WeChat: <template is="x" data="{{a: 1, b}}"/> and data="{{...item}}"
    assert parse("a: 1, b") == {"k": "obj", "props": [{"key": "a", "v": lit(1)}, {"key": "b", "v": ident("b")}]}
    assert parse("...item") == {"k": "obj", "props": [{"k": "spread", "a": ident("item")}]}


def test_template_data_single_name_is_shorthand() -> None:
    assert parse("item", mode="data") == {"k": "obj", "props": [{"key": "item", "v": ident("item")}]}
    assert parse("item", mode="auto") == ident("item")


def test_string_concatenation_and_calls() -> None:
    assert parse("'a' + fmt.up(b, 1)") == {
        "k": "bin",
        "op": "+",
        "l": lit("a"),
        "r": {"k": "call", "f": {"k": "mem", "o": ident("fmt"), "p": lit("up")}, "args": [ident("b"), lit(1)]},
    }


@pytest.mark.parametrize(
    ("src", "offset", "message"),
    [
        ("a +", 3, "unexpected end of expression"),
        ("a b", 2, "unexpected 'b'"),
        ("a = 1", 2, "assignment is not allowed"),
        ("'abc", 0, "unterminated string"),
        ("a & b", 2, "bitwise"),
        ("a?.b", 1, "optional chaining"),
        ("(a", 2, "expected ')'"),
        ("3px", 1, "after number"),
        ("", 0, "empty expression"),
    ],
)
def test_syntax_errors_have_offsets(src: str, offset: int, message: str) -> None:
    with pytest.raises(ExprError) as info:
        parse(src)
    assert info.value.offset == offset
    assert message in info.value.message
