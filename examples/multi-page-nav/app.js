App({
  onLaunch: function () {
    console.log('multi-page-nav launched')
  }
})
