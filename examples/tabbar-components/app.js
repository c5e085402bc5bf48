App({
  globalData: {
    probeLog: [],
    cart: []
  }
})
