Page({
  data: {
    html: '<h2 class="headline">Fresh <em>news</em></h2>' +
      '<p style="color: rgb(200, 0, 0)">Red paragraph<script>window.__pwned = 1</script></p>' +
      '<img src="x" onerror="window.__pwned = 2"><a href="javascript:window.__pwned=3">link</a>' +
      '<iframe src="https://example.com"></iframe><p onclick="window.__pwned = 4" class="safe">Still here</p>',
    nodes: [
      {
        name: 'div',
        attrs: { class: 'box', style: 'padding: 8px; border: 1px solid #07c160' },
        children: [
          { type: 'text', text: 'From a node array ' },
          { name: 'strong', attrs: { onmouseover: 'alert(1)' }, children: [{ type: 'text', text: 'bold' }] },
          { name: 'script', children: [{ type: 'text', text: 'window.__pwned = 5' }] },
        ],
      },
    ],
  },
});
