"""WXML: directives, events, text, templates, imports, includes, wxs, and errors with positions."""

from __future__ import annotations

import json

from .helpers import build, el, errors, ident, lit, root, template, text

PAGE = "pages/index/index.wxml"


def test_static_and_bound_attributes() -> None:
    assert root('<view id="a" hidden class="x {{cls}}" checked="{{false}}" n="{{1}}"/>') == [
        el(
            "view",
            attrs={
                "id": lit("a"),
                "hidden": lit(True),
                "class": {"k": "cat", "parts": [lit("x "), ident("cls")]},
                "checked": lit(False),
                "n": lit(1),
            },
        )
    ]


def test_data_attributes_keep_their_written_name() -> None:
    assert root('<view data-user-id="{{id}}"/>')[0]["attrs"] == {"data-user-id": ident("id")}


def test_text_with_expressions_and_entities() -> None:
    assert root("<view>a &lt;b&gt; &amp; {{name}}!</view>") == [
        el("view", text({"k": "cat", "parts": [lit("a <b> & "), ident("name"), lit("!")]}))
    ]


def test_single_expression_text_is_still_a_cat() -> None:
    # "" for undefined/null in text, as WeChat renders nothing for {{missing}}
    assert root("<view>{{a}}</view>")[0]["children"] == [text({"k": "cat", "parts": [ident("a")]})]


def test_whitespace_only_text_between_elements_is_dropped() -> None:
    assert root("<view>\n  <text>a</text>\n  <text>b</text>\n</view>") == [
        el("view", el("text", text("a")), el("text", text("b")))
    ]


def test_text_element_keeps_whitespace() -> None:
    assert root("<text>  a  \n b </text><text> </text>") == [el("text", text("  a  \n b ")), el("text", text(" "))]


def test_comments_are_skipped() -> None:
    assert root("<!-- <view>no</view> --><view/><!--x-->") == [el("view")]


def test_self_closing_and_explicit_close_are_the_same() -> None:
    assert root("<view/><view></view><view />") == [el("view"), el("view"), el("view")]


def test_less_than_in_expression_inside_text() -> None:
    assert root("<view>{{a<b ? 'x' : 'y'}}</view>")[0]["children"][0]["v"]["parts"][0]["k"] == "cond"


def test_quotes_inside_expression_inside_attribute() -> None:
    node = root("""<view class="{{a ? "on" : 'off'}}"/>""")[0]
    assert node["attrs"]["class"] == {"k": "cond", "c": ident("a"), "a": lit("on"), "b": lit("off")}


def test_nested_object_braces_close_correctly() -> None:
    node = root('<template is="t" data="{{a: {b: 1}}}"/>')[0]
    assert node["data"] == {
        "k": "obj",
        "props": [{"key": "a", "v": {"k": "obj", "props": [{"key": "b", "v": lit(1)}]}}],
    }


def test_events_of_every_form() -> None:
    node = root(
        '<view bindtap="a" bind:tap="b" catchtap="c" catch:touchmove="d" mut-bind:tap="e"'
        ' capture-bind:tap="f" capture-catch:tap="g" bindtap2="{{h}}"/>'
    )[0]
    assert node["events"] == [
        {"type": "tap", "handler": lit("a"), "mode": "bind"},
        {"type": "tap", "handler": lit("b"), "mode": "bind"},
        {"type": "tap", "handler": lit("c"), "mode": "catch"},
        {"type": "touchmove", "handler": lit("d"), "mode": "catch"},
        {"type": "tap", "handler": lit("e"), "mode": "mut-bind"},
        {"type": "tap", "handler": lit("f"), "mode": "capture-bind"},
        {"type": "tap", "handler": lit("g"), "mode": "capture-catch"},
        {"type": "tap2", "handler": ident("h"), "mode": "bind"},
    ]
    assert node["attrs"] == {}


def test_if_elif_else_chain() -> None:
    assert root('<view wx:if="{{a}}">1</view>\n<view wx:elif="{{b}}">2</view>\n<view wx:else>3</view>') == [
        {
            "t": "if",
            "branches": [
                {"cond": ident("a"), "body": [el("view", text("1"))]},
                {"cond": ident("b"), "body": [el("view", text("2"))]},
                {"cond": None, "body": [el("view", text("3"))]},
            ],
        }
    ]


def test_two_ifs_are_two_chains() -> None:
    nodes = root('<view wx:if="{{a}}"/><view wx:if="{{b}}"/><view wx:else/>')
    assert [len(n["branches"]) for n in nodes] == [1, 2]


def test_static_if_value_is_a_string() -> None:
    # WeChat: wx:if="false" is the (truthy) string "false"
    assert root('<view wx:if="false"/>')[0]["branches"][0]["cond"] == lit("false")


def test_for_with_defaults_and_key() -> None:
    assert root('<view wx:for="{{list}}" wx:key="id">{{item}}</view>') == [
        {
            "t": "for",
            "items": ident("list"),
            "item": "item",
            "index": "index",
            "key": "id",
            "body": [el("view", text({"k": "cat", "parts": [ident("item")]}))],
        }
    ]


def test_for_item_index_and_this_key() -> None:
    node = root('<view wx:for="{{l}}" wx:for-item="row" wx:for-index="i" wx:key="*this"/>')[0]
    assert (node["item"], node["index"], node["key"]) == ("row", "i", "*this")


def test_for_items_legacy_alias() -> None:
    assert root('<view wx:for-items="{{l}}"/>')[0]["items"] == ident("l")


def test_for_over_array_literal_string_and_number() -> None:
    assert root('<view wx:for="{{[1,2,3]}}"/>')[0]["items"] == {"k": "arr", "items": [lit(1), lit(2), lit(3)]}
    assert root('<view wx:for="abc"/>')[0]["items"] == lit("abc")
    assert root('<view wx:for="{{5}}"/>')[0]["items"] == lit(5)


def test_for_is_outer_to_if_on_the_same_element() -> None:
    node = root('<view wx:for="{{l}}" wx:if="{{item.ok}}"/>')[0]
    assert node["t"] == "for"
    assert node["body"][0]["t"] == "if"
    assert node["body"][0]["branches"][0]["body"][0]["tag"] == "view"


def test_block_with_and_without_directives() -> None:
    assert root("<block><view/></block>") == [{"t": "block", "children": [el("view")]}]
    assert root('<block wx:for="{{l}}"><view/><text/></block>')[0]["body"] == [el("view"), el("text")]
    assert root('<block wx:if="{{a}}"><view/></block>')[0]["branches"][0]["body"] == [el("view")]


def test_template_definition_and_use() -> None:
    data = template(
        {PAGE: '<template name="card"><view>{{title}}</view></template>\n<template is="card" data="{{...c}}"/>'}
    )
    assert list(data["templates"]) == ["card"]
    assert data["root"] == [
        {"t": "template", "is": lit("card"), "data": {"k": "obj", "props": [{"k": "spread", "a": ident("c")}]}}
    ]


def test_dynamic_template_name() -> None:
    node = root("<template is=\"{{item % 2 == 0 ? 'even' : 'odd'}}\"/>")[0]
    assert node["is"]["k"] == "cond"
    assert node["data"] is None


def test_import_is_not_transitive_and_own_templates_win() -> None:
    data = template(
        {
            PAGE: '<import src="/a.wxml"/><template name="x"><text>own</text></template>',
            "a.wxml": '<import src="b.wxml"/><template name="x"/><template name="a"/>',
            "b.wxml": '<template name="b"/>',
        }
    )
    assert sorted(data["templates"]) == ["a", "x"]
    assert data["templates"]["x"][0]["tag"] == "text"


def test_include_inlines_content_without_templates_or_wxs() -> None:
    data = template(
        {
            PAGE: '<view><include src="../../parts/header"/></view>',
            "parts/header.wxml": '<template name="t"/><wxs module="m">module.exports={}</wxs><text>hi</text>',
        }
    )
    assert [n["tag"] for n in data["root"][0]["children"]] == ["text"]
    assert data["templates"] == {}
    assert data["wxs"] == {}


def test_include_resolves_nested_includes_relative_to_the_included_file() -> None:
    data = template(
        {
            PAGE: '<include src="/parts/a.wxml"/>',
            "parts/a.wxml": '<include src="sub/b.wxml"/>',
            "parts/sub/b.wxml": "<view>b</view>",
        }
    )
    assert data["root"][0]["tag"] == "view"


def test_wxs_modules_from_files_and_inline() -> None:
    bundle = build(
        {
            PAGE: '<wxs module="u" src="../../utils/u.wxs"/><wxs module="m">module.exports = {a: 1}</wxs>',
            "utils/u.wxs": "var x = require('./v.wxs');\nmodule.exports = x",
            "utils/v.wxs": "module.exports = 1",
        }
    )
    data = json.loads(bundle.files[bundle.manifest["pages"]["pages/index/index"]["template"]])
    assert data["wxs"] == {"u": "utils/u.wxs", "m": "pages/index/index.wxml#m"}
    script = bundle.files[bundle.manifest["wxs"]].decode()
    assert '__mhWxsDefine("utils/u.wxs", function (require, module, exports, getDate, getRegExp) {\n' in script
    assert '__mhWxsDefine("pages/index/index.wxml#m", function' in script
    assert "module.exports = {a: 1}\n});" in script


def test_no_wxs_gives_null() -> None:
    assert build({PAGE: "<view/>"}).manifest["wxs"] is None


def test_element_location() -> None:
    data = template({PAGE: "<view>\n  <text>x</text></view>"})
    assert data["root"][0]["loc"] == [1, 1]
    assert data["root"][0]["children"][0]["loc"] == [2, 3]


# -- errors, with exact positions -----------------------------------------------------------------


def test_unquoted_attribute_value() -> None:
    assert errors({PAGE: "<view>\n  <view class=a/>\n</view>"}) == [
        "pages/index/index.wxml:2:15: value of attribute class must be quoted"
    ]


def test_mismatched_close_tag() -> None:
    assert errors({PAGE: "<view>\n<text>a</view>"}) == [
        "pages/index/index.wxml:2:1: <text> is not closed (expected </text> before </view>)"
    ]


def test_stray_close_tag() -> None:
    assert errors({PAGE: "<view></view></text>"}) == ["pages/index/index.wxml:1:14: unexpected closing tag </text>"]


def test_unclosed_tag() -> None:
    assert errors({PAGE: "<view>\n  <view>"}) == [
        "pages/index/index.wxml:2:3: <view> is not closed",
        "pages/index/index.wxml:1:1: <view> is not closed",
    ]


def test_elif_and_else_without_if() -> None:
    assert errors({PAGE: '<view/>\n<view wx:elif="{{a}}"/>\n  <view wx:else/>'}) == [
        "pages/index/index.wxml:2:7: wx:elif without a preceding wx:if or wx:elif",
        "pages/index/index.wxml:3:9: wx:else without a preceding wx:if or wx:elif",
    ]


def test_else_after_else_is_an_error() -> None:
    assert errors({PAGE: '<view wx:if="{{a}}"/><view wx:else/><view wx:else/>'}) == [
        "pages/index/index.wxml:1:43: wx:else without a preceding wx:if or wx:elif"
    ]


def test_expression_error_position_in_attribute_and_text() -> None:
    assert errors({PAGE: '<view class="x {{ a + }}">\n  ab {{ b c }}</view>'}) == [
        "pages/index/index.wxml:1:23: bad expression: unexpected end of expression",
        "pages/index/index.wxml:2:11: bad expression: unexpected 'c'",
    ]


def test_unclosed_mustache() -> None:
    assert errors({PAGE: "<view>\n {{ a </view>"}) == ["pages/index/index.wxml:2:2: '{{' is never closed with '}}'"]


def test_all_errors_are_reported_not_only_the_first() -> None:
    found = errors({PAGE: "<view a=1/>\n<view wx:else/>\n<text>{{+}}</text>"})
    assert [e.split(": ")[0] for e in found] == [
        "pages/index/index.wxml:1:9",
        "pages/index/index.wxml:2:7",
        "pages/index/index.wxml:3:10",
    ]


def test_missing_include_and_wxs_are_errors() -> None:
    assert errors({PAGE: '<include src="nope.wxml"/>\n<wxs module="m" src="m.wxs"/>'}) == [
        "pages/index/index.wxml:1:15: include 'nope.wxml': no file pages/index/nope.wxml",
        "pages/index/index.wxml:2:22: wxs 'm.wxs': no file pages/index/m.wxs",
    ]


def test_missing_import_is_a_warning() -> None:
    # WeChat's own demo has a broken <import> and runs: the templates are simply missing
    bundle = build({PAGE: '<import src="/x"/>\n<view/>'})
    assert [str(w) for w in bundle.warnings] == [
        "pages/index/index.wxml:1:14: import '/x': no file x.wxml; its templates are not available"
    ]


def test_include_cycle() -> None:
    found = errors({PAGE: '<include src="/a.wxml"/>', "a.wxml": '<include src="b"/>', "b.wxml": '<include src="a"/>'})
    assert found == ["b.wxml:1:15: include cycle: a.wxml → b.wxml → a.wxml"]


def test_wxs_require_of_missing_file() -> None:
    found = errors({PAGE: '<wxs module="m">\nvar a = require("./nope.wxs")</wxs>'})
    assert found == ["pages/index/index.wxml:2:18: require('./nope.wxs'): no file pages/index/nope.wxs"]


def test_wxs_content_is_raw_text() -> None:
    bundle = build({PAGE: '<wxs module="m">var a = 1 < 2 && "</view>".length;\nmodule.exports = a</wxs>'})
    assert 'var a = 1 < 2 && "</view>".length;' in bundle.files[bundle.manifest["wxs"]].decode()


def test_lone_less_than_in_text_is_text() -> None:
    assert root("<view>a < b</view>") == [el("view", text("a < b"))]


def test_key_with_mustache_and_unknown_directive_are_warnings() -> None:
    bundle = build({PAGE: '<view wx:for="{{l}}" wx:key="{{item.id}}" wx:foo="1"/>'})
    assert sorted(str(w) for w in bundle.warnings) == [
        "pages/index/index.wxml:1:30: wx:key takes a property name or *this, not {{ }}; ignored",
        "pages/index/index.wxml:1:43: unknown directive wx:foo; kept as an attribute",
    ]


def test_duplicate_attribute_last_wins_with_a_warning() -> None:
    bundle = build({PAGE: '<view a="1" a="2"/>'})
    assert [str(w) for w in bundle.warnings] == [
        "pages/index/index.wxml:1:13: duplicate attribute a; the last value is used"
    ]
    data = json.loads(bundle.files[bundle.manifest["pages"]["pages/index/index"]["template"]])
    assert data["root"][0]["attrs"] == {"a": lit("2")}


def test_for_item_must_be_a_name() -> None:
    assert errors({PAGE: '<view wx:for="{{l}}" wx:for-item="a.b"/>'}) == [
        "pages/index/index.wxml:1:35: wx:for-item must be a variable name, not 'a.b'"
    ]


def test_include_with_condition_and_template_with_for() -> None:
    data = template(
        {
            PAGE: '<include wx:if="{{a}}" src="/x.wxml"/><template wx:for="{{l}}" is="t" data="{{item}}"/>',
            "x.wxml": "<text>x</text>",
        }
    )
    assert data["root"][0]["branches"][0]["body"][0]["tag"] == "text"
    assert data["root"][1]["t"] == "for"
    assert data["root"][1]["body"][0]["t"] == "template"


def test_crlf_and_bom_files_report_the_same_positions() -> None:
    assert errors({PAGE: "\ufeff<view>\r\n  <view class=a/>\r\n</view>\r\n"}) == [
        "pages/index/index.wxml:2:15: value of attribute class must be quoted"
    ]
    assert root("\ufeff<view>\r\n  <text>a</text>\r\n</view>") == [el("view", el("text", text("a")))]
