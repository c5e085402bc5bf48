Component({
  relations: {
    '../tab-item/tab-item': {
      type: 'child',
      linked() {
        this.refresh();
      },
      unlinked() {
        this.refresh();
      },
    },
  },
  data: { titles: '' },
  methods: {
    refresh() {
      const items = this.getRelationNodes('../tab-item/tab-item');
      this.setData({ titles: items.map((t) => t.data.title).join(', ') });
    },
  },
});
