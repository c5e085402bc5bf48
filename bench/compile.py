"""Time compile_package on a generated ~2 MB package (the main package limit).

Run: .venv/bin/python bench/compile.py [--runs N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import time

from minihost.packages.compiler import PackageSource, compile_package

WXML = """<wxs module="fmt" src="../../utils/fmt.wxs"/>
<import src="../../templates/row.wxml"/>
<view class="page page-{{n}}" style="padding: {{pad}}rpx">
  <!-- header -->
  <view class="header" bindtap="onHeader" data-id="{{id}}">{{title}} &amp; {{sub ? sub : 'none'}}</view>
  <block wx:for="{{list}}" wx:key="id" wx:for-item="row">
    <view wx:if="{{row.visible && !row.hidden}}" class="row {{row.active ? 'active' : ''}}"
          catch:tap="onRow" data-index="{{index}}">
      <text>{{index + 1}}. {{row.name}} — {{fmt.price(row.price * 100 / 3)}}</text>
      <image src="/images/p{{row.id}}.png" mode="aspectFill"/>
    </view>
    <view wx:elif="{{row.pending}}">pending {{row.name}}</view>
    <view wx:else>hidden</view>
  </block>
  <template is="row" data="{{...extra, n: 1, items: [1, 2, 3]}}"/>
  <card wx:for="{{cards}}" wx:key="*this" title="{{item.t}}" bind:select="onCard"/>
  <button type="primary" disabled="{{!ready}}" bindtap="submit">Submit {{count > 99 ? '99+' : count}}</button>
</view>
"""

WXSS = """@import "../../styles/base.wxss";
.page { padding: 20rpx 32rpx; background: #fff; }
.header { font-size: 32rpx; margin: -8rpx 0 16rpx; border-bottom: 1rpx solid #eee; }
view > text.row, .row.active { color: #333; line-height: 1.6; transform: translateX(-.5rpx); }
.row image { width: 120rpx; height: 120rpx; border-radius: 8rpx; }
@media (min-width: 600px) { .page { padding: 40rpx; } }
@keyframes fade { from { opacity: 0 } to { opacity: 1; top: 10rpx } }
button::after { border: none; content: "10rpx"; background: url(/images/bg.png); }
"""

JS_LINE = (
    "  handler{i}(e) {{ const v = e.currentTarget.dataset.index;"
    " this.setData({{ ['list[' + v + '].active']: true }}) }},\n"
)


def make_package(pages: int = 320) -> dict[str, bytes]:
    files: dict[str, bytes] = {
        "app.js": b"App({ globalData: {} })\n",
        "app.wxss": b"page { font-size: 28rpx; }\n",
        "utils/fmt.wxs": b"module.exports = { price: function (v) { return v.toFixed(2) } }\n",
        "templates/row.wxml": b'<template name="row"><view class="r">{{n}} {{items.length}}</view></template>\n',
        "styles/base.wxss": b".base { margin: 0 auto; max-width: 750rpx; }\n",
        "components/card/card.json": b'{"component": true}',
        "components/card/card.js": b"Component({ properties: { title: String } })\n",
        "components/card/card.wxml": b'<view class="card"><text class="t">{{title}}</text><slot/></view>\n',
        "components/card/card.wxss": b":host { display: block } .card .t { padding: 12rpx; }\n",
    }
    names = []
    js_body = "".join(JS_LINE.format(i=i) for i in range(40))
    for p in range(pages):
        base = f"pages/p{p}/p{p}"
        names.append(base)
        # names vary per page, as in a real app, so that no cache makes every page free
        files[base + ".wxml"] = WXML.replace("title", f"title{p}").replace("row.name", f"row.name{p}").encode()
        files[base + ".wxss"] = WXSS.encode()
        files[base + ".js"] = f"Page({{\n  data: {{ n: {p} }},\n{js_body}}})\n".encode()
        files[base + ".json"] = b'{"usingComponents": {"card": "/components/card/card"}}'
    for i in range(20):
        files[f"images/p{i}.png"] = bytes(range(256)) * 8
    files["app.json"] = json.dumps({"pages": names, "window": {"navigationBarTitleText": "Bench"}}).encode()
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print the top functions of one run")
    args = parser.parse_args()
    files = make_package()
    size = sum(len(d) for d in files.values())
    compile_package(PackageSource.from_files(files))  # warm-up: imports, regex compilation
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        compile_package(PackageSource.from_files(files))
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        compile_package(PackageSource.from_files(files))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"package: {len(files)} files, {size / (1024 * 1024):.2f} MB (default limits: 2 MB main package)")
    print(f"compile: median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU over {args.runs} runs")
    print(f"throughput: {len(files) / wall:.0f} files/s, {size / wall / (1024 * 1024):.1f} MB/s (wall)")


if __name__ == "__main__":
    main()
