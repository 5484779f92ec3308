// Settings shared by the service worker, the options page and the popup.
// Stored in chrome.storage.sync so they follow the user's browser profile.

export const DEFAULT_SERVER = 'http://127.0.0.1:8765';

// Site keys match the adapters' names in content/sites/.
export const SITES = ['xiaohongshu', 'weibo', 'x', 'reddit'];

export const DEFAULTS = Object.freeze({
  serverUrl: DEFAULT_SERVER,
  apiKey: '',
  sensitivity: 'medium', // lowest level that shows a warning: 'medium' or 'high'
  blurHigh: true, // cover high-risk posts until the reader chooses to see them
  sites: Object.fromEntries(SITES.map((s) => [s, true])),
  language: 'auto', // 'auto' | 'zh_CN' | 'en'
});

export async function getSettings() {
  const stored = await chrome.storage.sync.get(Object.keys(DEFAULTS));
  const merged = { ...DEFAULTS, ...stored };
  merged.sites = { ...DEFAULTS.sites, ...(stored.sites || {}) };
  return merged;
}

export async function saveSettings(patch) {
  await chrome.storage.sync.set(patch);
}

// 'http://host:1234/' -> 'http://host:1234' ; throws on anything that is not http(s).
export function normalizeServerUrl(value) {
  const url = new URL(String(value).trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

// Match pattern for chrome.permissions: origin of the server, any path.
export function originPattern(serverUrl) {
  const url = new URL(serverUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
