// Logic-layer entry. A *classic* worker (not a module worker) so that the package's logic script, a
// classic sloppy-mode script as in WeChat, can be loaded with importScripts; the runtime itself is made
// of ES modules pulled in with import(). Messages arriving before the runtime is loaded are queued.
(function () {
  'use strict';
  const queue = [];
  const early = (e) => queue.push(e.data);
  self.addEventListener('message', early);
  import('./main.js').then(
    (m) => {
      self.removeEventListener('message', early);
      m.start(queue);
    },
    (err) => self.postMessage({ t: 'fatal', message: 'runtime failed to load: ' + String(err) }),
  );
})();
