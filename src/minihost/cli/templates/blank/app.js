App({
  onLaunch() {
    console.log('launched')
  },
  globalData: {}
})
