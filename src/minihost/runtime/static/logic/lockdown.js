// Takes the network (and other ways out of the worker) away before any package code runs. The worker
// script is also served with a CSP forbidding connections; this is the first line, that the second.
const REMOVED = [
  'fetch', 'XMLHttpRequest', 'WebSocket', 'WebSocketStream', 'WebTransport', 'importScripts', 'EventSource',
  'indexedDB', 'IDBFactory', 'caches', 'CacheStorage', 'BroadcastChannel', 'Worker', 'SharedWorker',
  'Request', 'Response', 'Headers', 'FileReaderSync', 'webkitRequestFileSystem', 'webkitRequestFileSystemSync',
  'webkitResolveLocalFileSystemURL', 'webkitResolveLocalFileSystemSyncURL',
];

export function lockdown() {
  const g = self;
  for (const name of REMOVED) {
    let o = g;
    while (o && !Object.prototype.hasOwnProperty.call(o, name)) o = Object.getPrototypeOf(o);
    if (o) {
      try {
        delete o[name];
      } catch {
        // fall through to the shadowing definition below
      }
    }
    try {
      Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false, enumerable: false });
    } catch {
      // already non-configurable: nothing more to do
    }
  }
  if (g.navigator) {
    for (const name of ['sendBeacon', 'serviceWorker', 'storage', 'locks']) {
      try {
        Object.defineProperty(g.navigator, name, { value: undefined, configurable: false });
      } catch {
        // ignore
      }
    }
  }
}
