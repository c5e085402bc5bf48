const { joinLog, describeTarget } = require('../../utils/format')

Page({
  data: {
    tapLog: [],
    tapLogText: joinLog([]),
    targetText: 'Tap the parent or the child',
    users: [
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bob' },
      { id: 3, name: 'Cy' }
    ],
    datasetText: 'Tap a name',
    inputValue: '',
    confirmed: '',
    longPresses: 0,
    pressTaps: 0
  },

  log(name) {
    const tapLog = this.data.tapLog.concat(name)
    this.setData({ tapLog, tapLogText: joinLog(tapLog) })
  },

  onInnerTap() {
    this.log('inner')
  },

  onMiddleTap() {
    this.log('middle')
  },

  onMiddleCatch() {
    this.log('middle(catch)')
  },

  onOuterTap() {
    this.log('outer')
  },

  clearLog() {
    this.setData({ tapLog: [], tapLogText: joinLog([]) })
  },

  onParentTap(e) {
    this.setData({ targetText: describeTarget(e) })
  },

  onUserTap(e) {
    const { id, userName } = e.currentTarget.dataset
    this.setData({ datasetText: `Selected id=${id} name=${userName}` })
  },

  onInput(e) {
    this.setData({ inputValue: e.detail.value })
  },

  onConfirm(e) {
    this.setData({ confirmed: e.detail.value })
  },

  onLongPress() {
    this.setData({ longPresses: this.data.longPresses + 1 })
  },

  onPressTap() {
    this.setData({ pressTaps: this.data.pressTaps + 1 })
  }
})
