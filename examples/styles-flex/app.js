App({
  onLaunch: function () {}
})
