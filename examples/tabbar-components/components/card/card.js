Component({
  options: {
    multipleSlots: true
  },

  properties: {
    title: {
      type: String,
      value: 'Untitled'
    },
    badge: {
      type: String,
      value: ''
    },
    badgeType: {
      type: String,
      value: 'hot'
    },
    tags: {
      type: Array,
      value: []
    }
  },

  methods: {
    onHeaderTap() {
      this.triggerEvent('select', { title: this.data.title })
    }
  }
})
