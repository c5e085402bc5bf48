const store = require('../../utils/store.js')

Page({
  data: {
    title: '',
    content: '',
    notes: [],
    status: '',
    keysText: ''
  },

  onLoad() {
    this.setData({ notes: store.loadNotes() })
    this.refreshKeys()
    // restore an unfinished draft, if there is one
    wx.getStorage({
      key: store.DRAFT_KEY,
      success: (res) => {
        this.setData({
          title: res.data.title,
          content: res.data.content,
          status: 'Draft restored'
        })
      }
    })
  },

  refreshKeys() {
    const { keys } = wx.getStorageInfoSync()
    this.setData({ keysText: keys.slice().sort().join(', ') || '(none)' })
  },

  onTitleInput(e) {
    this.setData({ title: e.detail.value })
  },

  onContentInput(e) {
    this.setData({ content: e.detail.value })
  },

  onSubmit(e) {
    const { title, content } = e.detail.value
    if (!title.trim()) {
      wx.showToast({ title: 'Title is required', icon: 'none' })
      this.setData({ status: 'Title is required' })
      return
    }
    const notes = store.addNote(title.trim(), content)
    this.setData({ notes, title: '', content: '', status: `Saved "${title.trim()}"` })
    this.refreshKeys()
  },

  onReset() {
    this.setData({ title: '', content: '', status: 'Form cleared' })
  },

  deleteNote(e) {
    const notes = store.deleteNote(e.currentTarget.dataset.id)
    this.setData({ notes, status: 'Note deleted' })
  },

  saveDraft() {
    const { title, content } = this.data
    wx.setStorage({
      key: store.DRAFT_KEY,
      data: { title, content },
      success: () => {
        this.setData({ status: 'Draft saved' })
        this.refreshKeys()
      }
    })
  },

  loadDraft() {
    wx.getStorage({
      key: store.DRAFT_KEY,
      success: (res) => {
        this.setData({
          title: res.data.title,
          content: res.data.content,
          status: `Draft loaded: ${res.data.title}`
        })
      },
      fail: () => {
        this.setData({ status: 'No draft' })
      }
    })
  },

  removeDraft() {
    wx.removeStorage({
      key: store.DRAFT_KEY,
      success: () => {
        this.setData({ status: 'Draft removed' })
        this.refreshKeys()
      }
    })
  },

  clearAll() {
    wx.showModal({
      title: 'Clear all',
      content: 'Delete every note and the draft?',
      success: (res) => {
        if (!res.confirm) {
          return
        }
        wx.clearStorage({
          success: () => {
            this.setData({ notes: [], title: '', content: '', status: 'All storage cleared' })
            this.refreshKeys()
          }
        })
      }
    })
  }
})
