// The one wrapper around chrome.storage for the background and the extension's pages.
// `sync` holds the reader's settings (they follow the browser profile); `session` holds what
// must survive the background being stopped but not the browser closing: assessments by text
// hash, dismissals, context-menu results and the server's meta. Keys are namespaced here so
// no two concerns can collide.

const PREFIX = Object.freeze({ result: 'r:', dismissed: 'd:', contextCheck: 'ctx:', meta: 'meta:' });

const area = (name) => chrome.storage[name];

export const settingsStore = {
  get: (keys) => area('sync').get(keys),
  set: (values) => area('sync').set(values),
  remove: (keys) => area('sync').remove(keys),
};

export const sessionStore = {
  async getMany(keys) {
    return keys.length ? area('session').get(keys) : {};
  },
  async getOne(key) {
    return (await area('session').get(key))[key];
  },
  set: (values) => area('session').set(values).catch(() => {}), // a full quota must not break checking
  async removePrefix(prefix) {
    const all = await area('session').get(null);
    const stale = Object.keys(all).filter((k) => k.startsWith(prefix));
    if (stale.length) await area('session').remove(stale);
  },
  clear: () => area('session').clear(),
};

export const keys = {
  result: (locale, hash) => `${PREFIX.result}${locale}:${hash}`,
  dismissed: (hash) => `${PREFIX.dismissed}${hash}`,
  contextCheck: (id) => `${PREFIX.contextCheck}${id}`,
  meta: (serverUrl) => `${PREFIX.meta}${serverUrl}`,
  PREFIX,
};

// Calls `listener(changes)` when the reader's settings change.
export function onSettingsChanged(listener) {
  chrome.storage.onChanged.addListener((changes, name) => {
    if (name === 'sync') listener(changes);
  });
}
