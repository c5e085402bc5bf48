Component({
  properties: { title: String },
  data: { parentSeen: false },
  relations: {
    '../tab-list/tab-list': {
      type: 'parent',
      linked() {
        this.setData({ parentSeen: true });
      },
    },
  },
});
