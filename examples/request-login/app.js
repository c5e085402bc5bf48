const { getToken } = require('./utils/auth.js')

App({
  globalData: {
    loggedIn: false
  },

  onLaunch() {
    this.globalData.loggedIn = !!getToken()
  }
})
