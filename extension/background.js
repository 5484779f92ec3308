// warnlib service worker: the only part of the extension that talks to the API.
// Content scripts send post texts here; we answer from the cache or queue them,
// and every ~60 ms send one POST /v1/score/batch for everything queued.
import { getSettings, normalizeServerUrl } from './lib/settings.js';
import { apiLocale, loadMessages, resolveLanguage } from './lib/i18n.js';

const BATCH_WINDOW_MS = 60; // collect texts from a scroll burst into one request
const MAX_BATCH = 100; // the API's default batch limit
const MAX_CHARS = 20000; // the API's default text limit
const TIMEOUT_MS = 3000; // a slow server must never hold posts hostage
const DOWN_BACKOFF_MS = 5000; // after a failure, don't retry on every scroll
const MEMORY_CACHE_MAX = 5000;
const MENU_ID = 'warnlib-check-selection';

const memoryCache = new Map(); // 'r:<locale>:<sha256>' -> assessment
const queue = new Map(); // same key -> {text, locale, waiters: [resolve]}
let flushTimer = null;
let downUntil = 0;
let status = { state: 'unknown', message: '', checkedAt: 0, version: null };
// Counters the bench and tests read through the worker (no page can see them).
const stats = { requests: 0, items: 0, cacheHits: 0, failures: 0 };

// ---------- helpers ----------

async function sha256(text) {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Keep within the API's limit without splitting a surrogate pair; offsets stay valid
// because we only cut the end.
function clip(text) {
  if (text.length <= MAX_CHARS) return text;
  let cut = MAX_CHARS;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut);
}

function rememberResult(key, result) {
  memoryCache.set(key, result);
  if (memoryCache.size > MEMORY_CACHE_MAX) memoryCache.delete(memoryCache.keys().next().value);
  // Session storage survives the worker being stopped, but not the browser closing.
  chrome.storage.session.set({ [key]: result }).catch(() => {});
}

function setStatus(state, message = '', version = null) {
  status = { state, message, checkedAt: Date.now(), version: version ?? status.version };
}

// One API call. Returns {ok, status, data, health}: `health` is what the call says about
// the server ({state, message, retryAfter?}) or null when it says nothing (a refused item).
async function rawFetch(settings, path, { method = 'GET', body } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (settings.apiKey) headers.Authorization = `Bearer ${settings.apiKey}`;
  try {
    const response = await fetch(normalizeServerUrl(settings.serverUrl) + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    const message = data?.error?.message || `HTTP ${response.status}`;
    let health = null;
    if (response.status === 401 || response.status === 403) health = { state: 'auth', message };
    else if (response.status === 429) {
      health = { state: 'error', message, retryAfter: Number(response.headers.get('Retry-After')) || 5 };
    } else if (response.status >= 500) health = { state: 'error', message };
    else if (response.ok) health = { state: 'ok', message: '', version: data?.version || null };
    return { ok: response.ok, status: response.status, data, health };
  } catch (err) {
    const state = err?.name === 'AbortError' ? 'timeout' : 'down';
    return { ok: false, status: 0, data: null, health: { state, message: String(err?.message || err) } };
  } finally {
    clearTimeout(timer);
  }
}

// An API call whose outcome updates the tracked server status and the backoff.
async function apiFetch(settings, path, options) {
  const result = await rawFetch(settings, path, options);
  const h = result.health;
  if (h) {
    setStatus(h.state, h.message, h.version);
    if (h.state === 'ok') downUntil = 0;
    else if (h.state === 'down' || h.state === 'timeout') downUntil = Date.now() + DOWN_BACKOFF_MS;
    else if (h.retryAfter) downUntil = Date.now() + h.retryAfter * 1000; // rate limited: as asked
  }
  return result;
}

async function currentLanguage() {
  const settings = await getSettings();
  return { settings, language: resolveLanguage(settings.language) };
}

// ---------- scoring: cache, queue, batch ----------

// Resolve each text to an assessment, or null when the server cannot answer
// (callers then leave the post untouched).
async function scoreTexts(texts) {
  const { language } = await currentLanguage();
  const locale = apiLocale(language);
  const prepared = await Promise.all(
    texts.map(async (raw) => {
      const text = clip(String(raw));
      return { text, key: `r:${locale}:${await sha256(text)}` };
    }),
  );
  const missing = prepared.filter((p) => !memoryCache.has(p.key)).map((p) => p.key);
  if (missing.length) {
    const stored = await chrome.storage.session.get(missing);
    for (const [key, value] of Object.entries(stored)) memoryCache.set(key, value);
  }
  return Promise.all(
    prepared.map(({ text, key }) => {
      if (memoryCache.has(key)) {
        stats.cacheHits += 1;
        return memoryCache.get(key);
      }
      if (Date.now() < downUntil) return null;
      return new Promise((resolve) => enqueue(key, text, locale, resolve));
    }),
  );
}

function enqueue(key, text, locale, resolve) {
  const entry = queue.get(key);
  if (entry) entry.waiters.push(resolve);
  else queue.set(key, { text, locale, waiters: [resolve] });
  if (!flushTimer) flushTimer = setTimeout(flush, BATCH_WINDOW_MS);
}

async function flush() {
  flushTimer = null;
  const entries = Array.from(queue.entries());
  queue.clear();
  const settings = await getSettings();
  const byLocale = new Map();
  for (const [key, entry] of entries) {
    if (!byLocale.has(entry.locale)) byLocale.set(entry.locale, []);
    byLocale.get(entry.locale).push([key, entry]);
  }
  const sends = [];
  for (const [locale, group] of byLocale) {
    for (let i = 0; i < group.length; i += MAX_BATCH) sends.push(sendBatch(settings, locale, group.slice(i, i + MAX_BATCH)));
  }
  await Promise.all(sends);
}

async function sendBatch(settings, locale, group) {
  stats.requests += 1;
  stats.items += group.length;
  const items = group.map(([key, entry]) => ({ id: key.slice(-64), text: entry.text }));
  const { ok, data } = await apiFetch(settings, '/v1/score/batch', { method: 'POST', body: { items, locale } });
  const byId = new Map();
  if (ok && Array.isArray(data?.results)) for (const r of data.results) byId.set(r.id, r);
  if (!ok) stats.failures += 1;
  for (const [key, entry] of group) {
    const result = byId.get(key.slice(-64)) || null;
    if (result) rememberResult(key, result);
    for (const resolve of entry.waiters) resolve(result);
  }
}

// ---------- dismissals (per text, for this browser session) ----------

async function dismissedKey(text) {
  return `d:${await sha256(clip(String(text)))}`;
}

async function areDismissed(texts) {
  const keys = await Promise.all(texts.map(dismissedKey));
  const stored = await chrome.storage.session.get(keys);
  return keys.map((k) => Boolean(stored[k]));
}

// ---------- status, feedback, single checks ----------

// Ask the server directly. With `candidate` ({serverUrl, apiKey} from the options form, not
// saved yet) nothing tracked changes: it only answers "would this work?".
async function checkStatus(candidate = null) {
  const saved = await getSettings();
  const settings = candidate ? { ...saved, ...candidate } : saved;
  const call = candidate ? rawFetch : apiFetch;
  let result = await call(settings, '/healthz');
  if (result.ok && result.data?.status !== 'ok') {
    result = { health: { state: 'error', message: 'unexpected /healthz answer' } };
  } else if (result.ok) {
    // /healthz needs no key; a one-word score shows whether ours is accepted.
    result = await call(settings, '/v1/score', { method: 'POST', body: { text: 'ok' } });
  }
  const h = result.health || { state: 'error', message: `HTTP ${result.status}` };
  return { state: h.state, message: h.message, serverUrl: normalizeServerUrl(settings.serverUrl) };
}

async function sendFeedback({ text, verdict, score, url }) {
  if (verdict !== 'scam' && verdict !== 'not_scam') return { ok: false };
  const settings = await getSettings();
  const body = { text: clip(String(text)), verdict };
  if (typeof score === 'number') body.score = score;
  if (url) body.url = String(url);
  const { ok, status: code } = await apiFetch(settings, '/v1/feedback', { method: 'POST', body });
  if (ok && verdict === 'not_scam') await chrome.storage.session.set({ [await dismissedKey(text)]: true });
  return { ok, status: code };
}

async function checkOne(text) {
  // Single checks bypass the backoff: the user asked explicitly.
  downUntil = 0;
  const [result] = await scoreTexts([text]);
  return { result, status: { ...status } };
}

// Context menu: score the selection and show the result in a small extension window,
// which works on any page without injecting anything into it.
async function handleContextCheck(info, tab) {
  const text = (info.selectionText || '').trim();
  if (!text) return null;
  const { result, status: st } = await checkOne(text);
  const id = crypto.randomUUID();
  await chrome.storage.session.set({ [`ctx:${id}`]: { text, result, status: st, url: tab?.url || '' } });
  const url = chrome.runtime.getURL(`result/result.html?id=${id}`);
  try {
    await chrome.windows.create({ url, type: 'popup', width: 460, height: 560 });
  } catch {
    await chrome.tabs.create({ url });
  }
  return id;
}

// The menu item's title follows the language option, like the rest of the UI.
async function createMenu() {
  const { language } = await currentLanguage();
  const title = (await loadMessages(language)).menuCheckSelection;
  await chrome.contextMenus.removeAll();
  chrome.contextMenus.create({ id: MENU_ID, title, contexts: ['selection'] });
}

chrome.runtime.onInstalled.addListener(createMenu);
chrome.runtime.onStartup.addListener(createMenu);
chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID) handleContextCheck(info, tab);
});

// A new server or key makes earlier answers and the failure backoff meaningless.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'sync') return;
  if (changes.language) createMenu();
  if (changes.serverUrl || changes.apiKey || changes.language) {
    memoryCache.clear();
    downUntil = 0;
    setStatus('unknown');
    chrome.storage.session.get(null).then((all) => {
      const stale = Object.keys(all).filter((k) => k.startsWith('r:'));
      if (stale.length) chrome.storage.session.remove(stale);
    });
  }
});

// ---------- messages from content scripts, popup, options, result page ----------

const handlers = {
  async config(msg) {
    const { settings, language } = await currentLanguage();
    return {
      enabled: settings.sites[msg.site] !== false,
      sensitivity: settings.sensitivity,
      blurHigh: settings.blurHigh,
      language,
      messages: await loadMessages(language),
    };
  },
  async score(msg) {
    const texts = Array.isArray(msg.texts) ? msg.texts.slice(0, 500) : [];
    const [results, dismissed] = await Promise.all([scoreTexts(texts), areDismissed(texts)]);
    return { results, dismissed };
  },
  async dismiss(msg) {
    await chrome.storage.session.set({ [await dismissedKey(msg.text)]: true });
    return { ok: true };
  },
  feedback: (msg) => sendFeedback(msg),
  status: (msg) => checkStatus(msg.candidate || null),
  checkText: (msg) => checkOne(String(msg.text || '')),
  async getResult(msg) {
    const key = `ctx:${msg.id}`;
    return (await chrome.storage.session.get(key))[key] || null;
  },
  stats: () => ({ ...stats, queued: queue.size, cached: memoryCache.size }),
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = msg && handlers[msg.type];
  if (!handler) return false;
  Promise.resolve(handler(msg, sender))
    .then(sendResponse)
    .catch((err) => sendResponse({ error: String(err?.message || err) }));
  return true; // answer asynchronously
});

// For tests, the bench and debugging from the worker's console (pages cannot reach this).
async function resetForTests() {
  memoryCache.clear();
  downUntil = 0;
  for (const key of Object.keys(stats)) stats[key] = 0;
  await chrome.storage.session.clear();
}
globalThis.warnlib = { stats, handleContextCheck, checkStatus, scoreTexts, resetForTests };
