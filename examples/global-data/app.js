App({
  globalData: {
    userName: 'Guest',
    visits: 0,
    logs: []
  },

  onLaunch(options) {
    this.addLog('onLaunch')
  },

  onShow(options) {
    this.addLog('onShow')
  },

  onHide() {
    this.addLog('onHide')
  },

  addLog(name) {
    this.globalData.logs.push(name)
  }
})
