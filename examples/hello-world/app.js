// app.js
App({
  onLaunch: function () {
    console.log('hello-world launched')
  }
})
