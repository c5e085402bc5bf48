// The worker's side of the bridge: every message to the host goes through post(); wx API calls are
// numbered and their answers matched back.

const post = self.postMessage.bind(self);
let nextCallId = 1;
const pending = new Map();

export function send(msg) {
  post(msg);
}

// Calls a host API; resolves with the host's result object ({errMsg: "name:ok", ...}), rejects with
// {errMsg: "name:fail ..."}.
export function callHost(name, args) {
  const id = nextCallId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ t: 'api', id, name, args });
  });
}

// Fire-and-forget host call (sync storage writes).
export function notifyHost(name, args) {
  post({ t: 'api', id: 0, name, args });
}

export function onApiResult(msg) {
  const p = pending.get(msg.id);
  if (!p) return;
  pending.delete(msg.id);
  if (msg.ok) p.resolve(msg.res);
  else p.reject(msg.res);
}
