// One log for the whole app: a page's onHide/onUnload can only be seen from the page you land on.
var entries = []
var seq = 0

function add(page, hook) {
  seq += 1
  entries.push({ seq: seq, text: page + '.' + hook })
}

function all() {
  return entries.slice()
}

function clear() {
  entries.length = 0
  seq = 0
}

function stackText() {
  var pages = getCurrentPages()
  var routes = []
  for (var i = 0; i < pages.length; i++) {
    routes.push(pages[i].route)
  }
  return 'Stack (' + pages.length + '): ' + routes.join(' > ')
}

module.exports = {
  add: add,
  all: all,
  clear: clear,
  stackText: stackText
}
