// Settings shared by the background, the options page and the popup.
// Stored through lib/storage.js (chrome.storage.sync) so they follow the user's browser profile.
import './levels.js';
import { settingsStore } from './storage.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8765';

// Site keys match the adapters' names in content/sites/.
export const SITES = ['xiaohongshu', 'weibo', 'x', 'reddit'];

export const DEFAULTS = Object.freeze({
  serverUrl: DEFAULT_SERVER,
  apiKey: '',
  sensitivity: globalThis.WarnlibLevels.MEDIUM, // lowest level that shows a warning (a flagged level)
  blurHigh: true, // cover high-risk posts until the reader chooses to see them
  sites: Object.fromEntries(SITES.map((s) => [s, true])),
  // The language of the extension's own words ('auto' | 'zh_CN' | 'en'). Not the API's `locale`
  // (derived from it by apiLocale) nor a post's `text_language` (detected by the server).
  uiLanguage: 'auto',
});

// Settings saved under an older name: old name -> current name. A reader who chose a language
// before it was called uiLanguage keeps the choice; the old key is removed once copied.
export const RENAMED_SETTINGS = Object.freeze({ language: 'uiLanguage' });

// Moves values saved under an old name to the current one (the current one wins if both exist).
// Runs on every read, so no page or background path can see settings before the move; once the
// old keys are gone it costs one storage read.
export async function migrateSettings() {
  const stored = await settingsStore.get([...Object.keys(RENAMED_SETTINGS), ...Object.values(RENAMED_SETTINGS)]);
  const moved = {};
  const stale = [];
  for (const [oldName, newName] of Object.entries(RENAMED_SETTINGS)) {
    if (!(oldName in stored)) continue;
    if (!(newName in stored)) moved[newName] = stored[oldName];
    stale.push(oldName);
  }
  if (Object.keys(moved).length) await settingsStore.set(moved);
  if (stale.length) await settingsStore.remove(stale);
}

export async function getSettings() {
  await migrateSettings();
  const stored = await settingsStore.get(Object.keys(DEFAULTS));
  const merged = { ...DEFAULTS, ...stored };
  merged.sites = { ...DEFAULTS.sites, ...(stored.sites || {}) };
  return merged;
}

export async function saveSettings(patch) {
  await settingsStore.set(patch);
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
