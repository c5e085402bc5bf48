// Palette the "Next color" button cycles through.
var palette = ['#e4572e', '#29335c', '#f3a712', '#669bbc']

function colorAt(index) {
  return palette[index % palette.length]
}

module.exports = {
  palette: palette,
  colorAt: colorAt
}
