Page({
  data: { when: 1700000000000, phones: ['13800138000', '12345'], word: 'hello', fromWxs: '', outerTaps: 0, dragged: '' },
  onDragEnd(args) {
    this.setData({ dragged: `dragged ${args.dx}px` });
  },
  outerTap() {
    this.setData({ outerTaps: this.data.outerTaps + 1 });
  },
  onWxsTap(args) {
    this.setData({ fromWxs: `callMethod: taps=${args.taps} color=${args.color}` });
  },
});
