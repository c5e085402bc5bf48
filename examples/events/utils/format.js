const SEPARATOR = ' > '

function joinLog(entries) {
  return entries.length ? entries.join(SEPARATOR) : '(nothing yet)'
}

function describeTarget(e) {
  return `target: ${e.target.id}, currentTarget: ${e.currentTarget.id}`
}

module.exports = {
  joinLog,
  describeTarget
}
