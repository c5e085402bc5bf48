Page({
  data: { status2d: 'not drawn', statusLegacy: 'not drawn' },
  onReady() {
    wx.createSelectorQuery()
      .select('#scene')
      .fields({ node: true, size: true })
      .exec((res) => {
        const canvas = res[0].node;
        const ctx = canvas.getContext('2d');
        const dpr = wx.getSystemInfoSync().pixelRatio;
        canvas.width = res[0].width * dpr;
        canvas.height = res[0].height * dpr;
        ctx.scale(dpr, dpr);
        ctx.fillStyle = '#ff0000';
        ctx.fillRect(0, 0, res[0].width / 2, res[0].height);
        ctx.fillStyle = '#0000ff';
        ctx.beginPath();
        ctx.arc(res[0].width * 0.75, res[0].height / 2, 30, 0, 2 * Math.PI);
        ctx.fill();
        this.setData({ status2d: `drawn ${res[0].width}x${res[0].height}` });
      });
  },
  drawLegacy() {
    const ctx = wx.createCanvasContext('legacy', this);
    ctx.setFillStyle('#00aa00');
    ctx.fillRect(0, 0, 150, 100);
    const grd = ctx.createLinearGradient(150, 0, 300, 0);
    grd.addColorStop(0, '#ffffff');
    grd.addColorStop(1, '#000000');
    ctx.setFillStyle(grd);
    ctx.fillRect(150, 0, 150, 100);
    ctx.setFontSize(16);
    ctx.setFillStyle('#ffffff');
    ctx.fillText('legacy', 10, 30);
    ctx.draw(false, () => this.setData({ statusLegacy: 'drawn' }));
  },
});
