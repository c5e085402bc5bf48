Page({
  data: { title: 'Page level', show: false, events: [], html: '', text: '', portal: false },
  rename() {
    this.setData({ title: 'Renamed by page-meta' });
  },
  open() {
    this.setData({ show: true, events: [] });
  },
  close() {
    this.setData({ show: false });
  },
  log(e) {
    this.setData({ events: this.data.events.concat(e.type) });
  },
  onLeave(e) {
    this.setData({ show: false, events: this.data.events.concat(e.type) });
  },
  onEditorReady() {
    this.createSelectorQuery().select('#ed').context((res) => {
      this.editor = res.context;
    }).exec();
  },
  onEditorInput(e) {
    this.setData({ html: e.detail.html, text: e.detail.text.trim() });
  },
  fillEditor() {
    this.editor.setContents({ html: '<p>Hello <b>editor</b><img src="x" onerror="window.__pwned=6"></p>' });
  },
  togglePortal() {
    this.setData({ portal: !this.data.portal });
  },
});
