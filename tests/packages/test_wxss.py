"""WXSS → CSS: rpx, @import, built-in tag selectors, component isolation, and errors."""

from __future__ import annotations

import json

import pytest

from .helpers import build, css, errors

WXSS = "pages/index/index.wxss"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10rpx", "calc(10 * var(--rpx))"),
        ("-10rpx", "calc(-10 * var(--rpx))"),
        ("1.5rpx", "calc(1.5 * var(--rpx))"),
        (".5rpx", "calc(.5 * var(--rpx))"),
        ("0rpx", "calc(0 * var(--rpx))"),
        ("10RPX", "calc(10 * var(--rpx))"),
        ("10rpx 0 -2rpx 3px", "calc(10 * var(--rpx)) 0 calc(-2 * var(--rpx)) 3px"),
        ("calc(100% - 20rpx)", "calc(100% - calc(20 * var(--rpx)))"),
        ("1rpx solid #eee", "calc(1 * var(--rpx)) solid #eee"),
        ('"10rpx"', '"10rpx"'),
        ("url(a-10rpx.png)", "url(a-10rpx.png)"),
        ('url("10rpx.png")', 'url("10rpx.png")'),
        ("translate(-5rpx,5rpx)", "translate(calc(-5 * var(--rpx)),calc(5 * var(--rpx)))"),
        ("10px", "10px"),
        ("a10rpx", "a10rpx"),
    ],
)
def test_rpx(value: str, expected: str) -> None:
    assert css({WXSS: f".a {{ margin: {value}; }}"}) == f".a{{margin: {expected}}}\n"


def test_builtin_tags_and_page_are_rewritten_in_selectors_only() -> None:
    out = css({WXSS: "page, view > text.t, scroll-view .x, .view, #text, custom-el { font-family: view, text; }"})
    assert out == "wx-page,wx-view > wx-text.t,wx-scroll-view .x,.view,#text,custom-el{font-family: view, text}\n"


def test_tags_inside_functional_pseudo_classes_and_not_in_attribute_selectors() -> None:
    out = css({WXSS: 'view:not(image)::after, [type="text"] button, input[name=view] { color: red }'})
    assert out == 'wx-view:not(wx-image)::after,[type="text"] wx-button,wx-input[name=view]{color: red}\n'


def test_comments_are_removed() -> None:
    assert css({WXSS: "/* a */ .a { /* b */ color: red; /* c */ }\n/* d */"}) == ".a{color: red}\n"


def test_at_rules() -> None:
    out = css(
        {
            WXSS: "@media (max-width: 600px) { view { width: 10rpx } }\n"
            "@keyframes k { from { top: 0 } 50% { top: 10rpx } to { top: 1px } }\n"
            "@font-face { font-family: f; src: url('f.ttf') }\n"
            "@charset 'utf-8';\n"
        }
    )
    assert out == (
        "@media (max-width: 600px){\nwx-view{width: calc(10 * var(--rpx))}\n}\n"
        "@keyframes k{\nfrom{top: 0}\n50%{top: calc(10 * var(--rpx))}\nto{top: 1px}\n}\n"
        "@font-face{font-family: f;src: url('f.ttf')}\n"
    )


def test_import_is_inlined_relative_to_the_file() -> None:
    out = css(
        {
            WXSS: '@import "../../styles/a.wxss";\n.page { color: red }',
            "styles/a.wxss": "@import 'b'; .a { top: 1rpx }",
            "styles/b.wxss": ".b { top: 0 }",
        }
    )
    assert out == ".b{top: 0}\n.a{top: calc(1 * var(--rpx))}\n.page{color: red}\n"


def test_import_with_absolute_path_and_url_form() -> None:
    out = css({WXSS: '@import url("/s.wxss");@import url(/t.wxss);', "s.wxss": ".s{a:b}", "t.wxss": ".t{a:b}"})
    assert out == ".s{a:b}\n.t{a:b}\n"


def test_component_classes_are_prefixed_and_host_is_the_host_element() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<card/>",
            "pages/index/index.json": '{"usingComponents": {"card": "/comp/card"}}',
            "pages/index/index.wxss": ".card { color: red }",
            "comp/card.json": '{"component": true}',
            "comp/card.js": "Component({})",
            "comp/card.wxml": '<view class="card"/>',
            "comp/card.wxss": ":host { display: flex } :host(.big) .card, view.card > .t:hover { margin: 2rpx }",
        }
    )
    entry = bundle.manifest["components"]["comp/card"]
    prefix = entry["stylePrefix"]
    assert prefix == "c" + __import__("hashlib").sha256(b"comp/card").hexdigest()[:8]
    assert bundle.files[entry["css"]].decode() == (
        f'[data-host="{prefix}"]{{display: flex}}\n'
        f'[data-host="{prefix}"].big .{prefix}--card,wx-view.{prefix}--card > .{prefix}--t:hover'
        "{margin: calc(2 * var(--rpx))}\n"
    )
    # the page's own styles are not prefixed: they cannot reach into the component
    page_css = bundle.files[bundle.manifest["pages"]["pages/index/index"]["css"]].decode()
    assert page_css == ".card{color: red}\n"


def test_app_css() -> None:
    bundle = build({"pages/index/index.wxml": "<view/>", "app.wxss": "page { margin: 0 }"})
    assert bundle.files[bundle.manifest["appCss"]] == b"wx-page{margin: 0}\n"
    assert json.loads(bundle.manifest_bytes)["pages"]["pages/index/index"]["css"] is None


# -- errors -----------------------------------------------------------------------------------------


def test_unclosed_brace() -> None:
    assert errors({WXSS: ".a { color: red }\n.b {\n  color: blue;\n"}) == [
        "pages/index/index.wxss:2:4: '{' is never closed with '}'"
    ]


def test_stray_closing_brace() -> None:
    assert errors({WXSS: ".a { color: red } }"}) == ["pages/index/index.wxss:1:19: unexpected '}'"]


def test_selector_without_block() -> None:
    assert errors({WXSS: ".a { x: y }\n.b;"}) == ["pages/index/index.wxss:2:1: expected '{' after the selector"]


def test_unclosed_comment_and_string() -> None:
    assert errors({WXSS: '.a { content: "x }\n/* open'}) == [
        "pages/index/index.wxss:1:15: string is never closed",
        "pages/index/index.wxss:2:1: comment is never closed with '*/'",
    ]


def test_bad_imports() -> None:
    assert errors({WXSS: '@import "nope.wxss";\n@import;\n  @import "https://x.com/a.css";'}) == [
        "pages/index/index.wxss:1:9: @import 'nope.wxss': no file pages/index/nope.wxss",
        'pages/index/index.wxss:2:1: @import needs a file name in quotes, as in @import "common.wxss";',
        "pages/index/index.wxss:3:11: @import of 'https://x.com/a.css': only files of the package can be imported",
    ]


def test_import_cycle_names_the_files() -> None:
    found = errors({WXSS: '@import "/a.wxss";', "a.wxss": '@import "b.wxss";', "b.wxss": '@import "a.wxss";'})
    assert found == ["b.wxss:1:9: @import cycle: a.wxss → b.wxss → a.wxss"]


def test_rpx_in_media_prelude_is_left_alone_and_nested_errors_are_found() -> None:
    assert css({WXSS: "@media (min-width: 300px) { .a { top: 1rpx } }"}) == (
        "@media (min-width: 300px){\n.a{top: calc(1 * var(--rpx))}\n}\n"
    )
    assert errors({WXSS: "@media print {\n  .a { top: 0 }\n  .b {\n}"}) == [
        "pages/index/index.wxss:1:14: '{' is never closed with '}'"
    ]


def test_data_uri_with_semicolon_stays_whole() -> None:
    out = css({WXSS: ".a { background: url(data:image/png;base64,iVBO=); width: 2rpx }"})
    assert out == ".a{background: url(data:image/png;base64,iVBO=);width: calc(2 * var(--rpx))}\n"
