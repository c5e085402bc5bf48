"""Whole-package behaviour: app.json, pages, components, subpackages, scripts, assets, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minihost.packages.compiler import CompileFailed, CompileMessage, Limits, PackageSource, compile_package

from .helpers import build, errors, package, template

INDEX = "pages/index/index"


def test_minimal_package() -> None:
    bundle = build({"pages/index/index.wxml": "<view>hi</view>"})
    m = bundle.manifest
    assert m["format"] == 1
    assert m["app"]["pages"] == [INDEX]
    assert m["app"]["entryPagePath"] == INDEX
    assert m["appCss"] is None
    assert set(m["pages"]) == {INDEX}
    assert bundle.manifest_hash in bundle.files
    assert bundle.files[bundle.manifest_hash] == bundle.manifest_bytes
    for digest, data in bundle.files.items():
        assert __import__("hashlib").sha256(data).hexdigest() == digest


def test_unknown_app_keys_are_kept_and_window_is_merged_into_page_config() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<view/>",
            "pages/index/index.json": '{"navigationBarTitleText": "Page", "enablePullDownRefresh": true}',
        },
        window={"navigationBarTitleText": "App", "backgroundColor": "#eee"},
        somethingNew={"x": 1},
    )
    assert bundle.manifest["app"]["somethingNew"] == {"x": 1}
    assert bundle.manifest["pages"][INDEX]["config"] == {
        "navigationBarTitleText": "Page",
        "backgroundColor": "#eee",
        "enablePullDownRefresh": True,
    }


def test_invalid_json_reports_line_and_column() -> None:
    found = errors({"pages/index/index.wxml": "<view/>", "pages/index/index.json": '{\n  "a": 1,\n  "b": \n}'})
    assert found == ["pages/index/index.json:4:1: invalid JSON: Expecting value"]


def test_invalid_app_json() -> None:
    source = PackageSource.from_files({"app.json": b'{"pages": ["a",]}', "app.js": b""})
    with pytest.raises(CompileFailed) as info:
        compile_package(source)
    assert [str(e) for e in info.value.errors] == ["app.json:1:16: invalid JSON: Expecting value"]


def test_missing_app_json() -> None:
    with pytest.raises(CompileFailed) as info:
        compile_package(PackageSource.from_files({"a.js": b""}))
    assert str(info.value.errors[0]) == "app.json:1:1: the package has no app.json at its root"


def test_missing_page_files_and_duplicate_page() -> None:
    files = {
        "app.json": '{\n  "pages": [\n    "pages/a/a",\n    "pages/b/b",\n    "pages/a/a"\n  ]\n}',
        "pages/a/a.wxml": "<view/>",
        "pages/a/a.js": "Page({})",
        "pages/b/b.js": "Page({})",
    }
    assert errors(files, pages=[]) == [
        "app.json:5:5: page 'pages/a/a' is listed twice (first at line 3)",
        "app.json:4:5: page 'pages/b/b' has no pages/b/b.wxml",
    ]


def test_page_without_js() -> None:
    files = {"app.json": '{"pages": ["p"]}', "p.wxml": "<view/>"}
    assert errors(files, pages=[]) == ["app.json:1:12: page 'p' has no p.js"]


def test_message_str_format() -> None:
    assert str(CompileMessage("a.wxml", 3, 7, "boom")) == "a.wxml:3:7: boom"


def test_non_utf8_js_is_rejected_with_position() -> None:
    found = errors({"pages/index/index.wxml": "<view/>", "pages/index/index.js": b"// ok\nvar s = '\xff';\n"})
    assert found == ["pages/index/index.js:2:10: file is not valid UTF-8 (byte 0xff); save it as UTF-8"]


def test_logic_script_wraps_each_file_and_records_line_offsets() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<view/>",
            "pages/index/index.js": "const u = require('../../u')\nPage({})",
            "u.js": "\ufeffmodule.exports = 1\n",
        }
    )
    script = bundle.files[bundle.manifest["logic"]].decode()
    assert script == (
        '__mhDefine("app.js", function (require, module, exports) {\nApp({})\n});\n'
        '__mhDefine("pages/index/index.js", function (require, module, exports) {\n'
        "const u = require('../../u')\nPage({})\n});\n"
        '__mhDefine("u.js", function (require, module, exports) {\nmodule.exports = 1\n});\n'
        "__mhDefine.done();\n//# sourceURL=minihost-logic.js\n"
    )
    lines = bundle.manifest["logicLines"]
    assert lines == {"app.js": 2, "pages/index/index.js": 5, "u.js": 9}
    script_lines = script.split("\n")
    assert script_lines[lines["pages/index/index.js"] + 1 - 1] == "Page({})"  # file line 2


def test_assets_are_stored_by_hash_and_sources_are_not() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<image src='/img/a.png'/>".replace("'", '"'),
            "img/a.png": b"\x89PNG...",
            "fonts/f.woff2": b"wOF2",
            "README.md": "docs",
            "src/x.ts": "let a: number = 1",
        }
    )
    assets = bundle.manifest["assets"]
    assert sorted(assets) == ["fonts/f.woff2", "img/a.png"]
    assert bundle.files[assets["img/a.png"]] == b"\x89PNG..."


def test_subpackages() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<view/>",
            "pkg/pages/x/x.wxml": "<view/>",
            "pkg/pages/x/x.js": "Page({})",
            "other/y.wxml": "<view/>",
            "other/y.js": "Page({})",
        },
        subpackages=[{"root": "pkg/", "pages": ["pages/x/x"]}, {"root": "other", "pages": ["y"], "independent": True}],
    )
    m = bundle.manifest
    assert m["app"]["pages"] == [INDEX, "pkg/pages/x/x", "other/y"]
    assert "subpackages" not in m["app"] and len(m["app"]["subPackages"]) == 2
    assert m["subPackages"] == [
        {"root": "pkg/", "pages": ["pkg/pages/x/x"], "independent": False},
        {"root": "other/", "pages": ["other/y"], "independent": True},
    ]
    assert set(m["pages"]) == {INDEX, "pkg/pages/x/x", "other/y"}


def test_entry_page_path() -> None:
    files = {"pages/index/index.wxml": "<view/>", "pages/b/b.wxml": "<view/>"}
    assert build(files, entryPagePath="/pages/b/b").manifest["app"]["entryPagePath"] == "pages/b/b"
    app = '{"pages": ["pages/index/index"],\n "entryPagePath": "pages/c/c"}'
    assert errors({**files, "app.json": app}, pages=["pages/index/index"]) == [
        "app.json:2:19: entryPagePath 'pages/c/c' is not one of the pages"
    ]


def test_tabbar_page_must_be_listed() -> None:
    app = '{"pages": ["pages/index/index"], "tabBar": {"list": [\n  {"text": "x", "pagePath": "pages/x/x"}]}}'
    found = errors({"pages/index/index.wxml": "<view/>", "app.json": app})
    assert found == ["app.json:2:29: tabBar pagePath 'pages/x/x' is not one of the pages"]


def test_miniprogram_root_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "miniprogram/pages/index").mkdir(parents=True)
    (tmp_path / "project.config.json").write_text('{"miniprogramRoot": "miniprogram/", "appid": "wx1"}')
    (tmp_path / "README.md").write_text("outside the package")
    (tmp_path / "miniprogram/app.json").write_text('{"pages": ["pages/index/index"]}')
    (tmp_path / "miniprogram/app.js").write_text("App({})")
    (tmp_path / "miniprogram/pages/index/index.wxml").write_text("<view/>")
    (tmp_path / "miniprogram/pages/index/index.js").write_text("Page({})")
    (tmp_path / "miniprogram/.hidden").write_text("x")
    (tmp_path / "node_modules/x").mkdir(parents=True)
    (tmp_path / "node_modules/x/index.js").write_text("x")
    source = PackageSource.from_directory(tmp_path)
    assert sorted(source.files) == ["app.js", "app.json", "pages/index/index.js", "pages/index/index.wxml"]
    assert compile_package(source).manifest["pages"][INDEX]["template"]


def test_sitemap_and_project_config_are_tolerated() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<view/>",
            "sitemap.json": '{"rules": []}',
            "project.config.json": '{"setting": {}}',
            "project.private.config.json": "not even json",
        }
    )
    assert bundle.manifest["assets"] == {}


# -- components ---------------------------------------------------------------------------------------


def _component(path: str, wxml: str = "<view/>", config: str = '{"component": true}') -> dict[str, str]:
    return {path + ".json": config, path + ".js": "Component({})", path + ".wxml": wxml}


def test_component_paths_relative_absolute_and_npm() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<a/><b/><c/><d/><e/>",
            "pages/index/index.json": json.dumps(
                {
                    "usingComponents": {
                        "a": "./parts/a",
                        "b": "/components/b/b",
                        "c": "../../components/b/b",
                        "d": "ui/button",
                        "e": "deep-lib",
                    }
                }
            ),
            **_component("pages/index/parts/a"),
            **_component("components/b/b"),
            **_component("miniprogram_npm/ui/button/index"),
            **_component("pages/miniprogram_npm/deep-lib/index"),
        }
    )
    assert bundle.manifest["pages"][INDEX]["usingComponents"] == {
        "a": "pages/index/parts/a",
        "b": "components/b/b",
        "c": "components/b/b",
        "d": "miniprogram_npm/ui/button/index",
        "e": "pages/miniprogram_npm/deep-lib/index",
    }
    assert sorted(bundle.manifest["components"]) == [
        "components/b/b",
        "miniprogram_npm/ui/button/index",
        "pages/index/parts/a",
        "pages/miniprogram_npm/deep-lib/index",
    ]


def test_npm_lookup_prefers_the_nearest_miniprogram_npm() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<x/>",
            "pages/index/index.json": '{"usingComponents": {"x": "lib/x"}}',
            **_component("miniprogram_npm/lib/x"),
            **_component("pages/index/miniprogram_npm/lib/x"),
        }
    )
    assert bundle.manifest["pages"][INDEX]["usingComponents"]["x"] == "pages/index/miniprogram_npm/lib/x"


def test_app_components_are_merged_into_pages_and_components_own_win() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<g/><own/>",
            "pages/index/index.json": '{"usingComponents": {"own": "/c/own", "g": "/c/own"}}',
            **_component("c/global"),
            **_component("c/own", config='{"component": true, "usingComponents": {"inner": "./global"}}'),
        },
        usingComponents={"g": "c/global"},
    )
    m = bundle.manifest
    assert m["pages"][INDEX]["usingComponents"] == {"g": "c/own", "own": "c/own"}
    assert m["components"]["c/own"]["usingComponents"] == {"g": "c/global", "inner": "c/global"}
    assert m["components"]["c/own"]["config"] == {"component": True, "options": {}}


def test_recursive_component_compiles_once() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<tree/>",
            "pages/index/index.json": '{"usingComponents": {"tree": "/tree/tree"}}',
            **_component(
                "tree/tree",
                wxml='<tree wx:for="{{kids}}" wx:key="id"/>',
                config='{"component": true, "usingComponents": {"tree": "./tree"}}',
            ),
        }
    )
    assert bundle.manifest["components"]["tree/tree"]["usingComponents"] == {"tree": "tree/tree"}


def test_component_errors() -> None:
    found = errors(
        {
            "pages/index/index.wxml": "<view/>",
            "pages/index/index.json": '{\n  "usingComponents": {\n    "a": "/nope",\n    "b": "/notcomp"\n  }\n}',
            **_component("notcomp", config='{"component": false}'),
        }
    )
    assert found == [
        "pages/index/index.json:3:10: component 'a': component '/nope' not found (looked for nope.json)",
        'notcomp.json:1:1: a component\'s .json needs "component": true',
    ]


def test_component_without_wxml() -> None:
    found = errors(
        {
            "pages/index/index.wxml": "<view/>",
            "pages/index/index.json": '{"usingComponents": {"a": "/c"}}',
            "c.json": '{"component": true}',
            "c.js": "",
        }
    )
    assert found == ["pages/index/index.json:1:27: component 'c' has no c.wxml"]


def test_plugin_components_are_a_warning() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<view/>",
            "pages/index/index.json": '{"usingComponents": {"p": "plugin://myPlugin/comp"}}',
        }
    )
    assert [w.message for w in bundle.warnings] == [
        "component 'p': plugin components are not supported (plugin://myPlugin/comp)"
    ]
    assert bundle.manifest["pages"][INDEX]["usingComponents"] == {}


def test_component_template_is_compiled() -> None:
    data = template(
        {
            "pages/index/index.wxml": "<c/>",
            "pages/index/index.json": '{"usingComponents": {"c": "/c"}}',
            **_component("c", wxml='<view class="x"><slot name="a"/></view>'),
        }
    )
    assert data["root"][0]["tag"] == "c"


# -- limits ------------------------------------------------------------------------------------------


def test_main_package_limit_lists_the_five_largest_files() -> None:
    files: dict[str, str | bytes] = {"pages/index/index.wxml": "<view/>"}
    for i in range(7):
        files[f"img/{i}.png"] = b"x" * (1000 + i)
    found = errors(files, limits=Limits(main_package_bytes=5000))
    assert len(found) == 1
    assert found[0].startswith("app.json:1:11: main package is 6.9 KB (")
    assert found[0].endswith(
        "over the 4.9 KB (5000 bytes) limit; largest files: img/6.png (1006 bytes), img/5.png (1005 bytes), "
        "img/4.png (1004 bytes), img/3.png (1003 bytes), img/2.png (1002 bytes)"
    )


def test_subpackage_and_total_limits() -> None:
    files: dict[str, str | bytes] = {
        "pages/index/index.wxml": "<view/>",
        "sub/p.wxml": "<view/>",
        "sub/p.js": "Page({})",
        "sub/big.bin": b"x" * 3000,
    }
    files["app.json"] = '{"pages": ["pages/index/index"],\n "subPackages": [{"root": "sub", "pages": ["p"]}]}'
    found = errors(files, limits=Limits(subpackage_bytes=2000, total_bytes=3100))
    assert [f.split(" is ")[0] for f in found] == ["app.json:2:18: subpackage sub/", "app.json:1:1: the package"]
    assert "largest files: sub/big.bin (2.9 KB (3000 bytes))" in found[0]


def test_main_package_at_the_limit_compiles() -> None:
    files: dict[str, str | bytes] = {"pages/index/index.wxml": "<view/>"}
    size = sum(len(d) for d in package(files).files.values())
    build(files, limits=Limits(main_package_bytes=size))
    with pytest.raises(CompileFailed):
        build(files, limits=Limits(main_package_bytes=size - 1))


def test_from_files_normalises_paths_and_refuses_escapes() -> None:
    source = PackageSource.from_files({"./a\\b.js": b"", "/c.js": b"", ".git/x": b"", "x/.DS_Store": b""})
    assert sorted(source.files) == ["a/b.js", "c.js"]
    with pytest.raises(ValueError):
        PackageSource.from_files({"../evil.js": b""})


def test_component_config_keeps_its_options() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<c/>",
            "pages/index/index.json": '{"usingComponents": {"c": "/c"}}',
            **_component("c", config='{"component": true, "styleIsolation": "apply-shared", "options": {"a": 1}}'),
        }
    )
    assert bundle.manifest["components"]["c"]["config"] == {
        "component": True,
        "styleIsolation": "apply-shared",
        "options": {"a": 1},
    }


def test_extended_library_components_and_theme_icons_are_not_errors() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<mp-cell/>",
            "pages/index/index.json": '{"usingComponents": {"mp-cell": "weui-miniprogram/cell/cell"}}',
        },
        useExtendedLib={"weui": True},
        tabBar={"list": [{"pagePath": "pages/index/index", "text": "a", "iconPath": "@homeIcon"}]},
    )
    assert [w.message for w in bundle.warnings] == [
        "component 'mp-cell': weui-miniprogram/cell/cell comes from the extended library 'weui' (useExtendedLib),"
        " which is not provided"
    ]


def test_typescript_only_page_says_so() -> None:
    files = {"app.json": '{"pages": ["p"]}', "p.wxml": "<view/>", "p.ts": "Page({})"}
    assert errors(files, pages=[]) == [
        "app.json:1:12: page 'p' has no p.js (only a .ts file: compile TypeScript to JavaScript before uploading)"
    ]


def test_theme_file_is_carried_for_at_values() -> None:
    files = {"pages/index/index.wxml": "<view/>", "theme.json": '{"light": {"bg": "#fff"}, "dark": {"bg": "#000"}}'}
    bundle = build(files, themeLocation="theme.json", window={"backgroundColor": "@bg"})
    assert bundle.manifest["theme"] == {"light": {"bg": "#fff"}, "dark": {"bg": "#000"}}
    assert bundle.manifest["pages"][INDEX]["config"]["backgroundColor"] == "@bg"
    assert build({"pages/index/index.wxml": "<view/>"}).manifest["theme"] is None


def test_missing_theme_file() -> None:
    app = '{"pages": ["pages/index/index"],\n "themeLocation": "t.json"}'
    assert errors({"pages/index/index.wxml": "<view/>", "app.json": app}) == [
        "app.json:2:19: themeLocation 't.json': no such file"
    ]


def test_file_order_does_not_change_the_output() -> None:
    files = {
        "pages/index/index.wxml": '<view class="a">{{b}}</view>',
        "pages/index/index.wxss": ".a { top: 1rpx }",
        "pages/b/b.wxml": "<text>b</text>",
        "img/x.png": b"x",
        "u.wxs": "module.exports = 1",
    }
    first = build(files)
    second = build(dict(reversed(list(files.items()))))
    assert first.manifest_bytes == second.manifest_bytes
    assert list(first.files) == list(second.files)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from minihost.packages.compiler.__main__ import main

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/app.json").write_text('{"pages": ["p"]}')
    (tmp_path / "pkg/app.js").write_text("App({})")
    (tmp_path / "pkg/p.wxml").write_text("<view/>")
    assert main([str(tmp_path / "pkg")]) == 1
    assert "error: app.json:1:12: page 'p' has no p.js" in capsys.readouterr().err
    (tmp_path / "pkg/p.js").write_text("Page({})")
    assert main([str(tmp_path / "pkg"), str(tmp_path / "out")]) == 0
    digest = capsys.readouterr().out.strip()
    assert (tmp_path / "out" / digest).is_file()


def test_generic_default_is_resolved_and_compiled() -> None:
    bundle = build(
        {
            "pages/index/index.wxml": "<list/>",
            "pages/index/index.json": '{"usingComponents": {"list": "/list/list"}}',
            **_component(
                "list/list", config='{"component": true, "componentGenerics": {"item": {"default": "./row"}}}'
            ),
            **_component("list/row"),
        }
    )
    components = bundle.manifest["components"]
    assert components["list/list"]["config"]["componentGenerics"] == {"item": {"default": "list/row"}}
    assert "list/row" in components
