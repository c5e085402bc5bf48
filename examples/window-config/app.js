App({
  onLaunch() {
    console.log('window-config launched')
  }
})
