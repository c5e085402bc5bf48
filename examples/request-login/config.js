// Where the app's own backend lives. Change this one line to point the app at another server.
module.exports = {
  baseUrl: 'https://api.example.com'
}
