// warnlib background: the only part of the extension that talks to the server. Content scripts,
// the popup, the options page and the result window send it messages; each concern lives in its
// own module (server.js: HTTP, status, meta; scoring.js: cache, queue, batches; feedback.js:
// dismissals and verdicts; menu.js: the context menu). Runs as Chrome's service worker and as
// Firefox's event page (manifest "background": service_worker and scripts).
import '../lib/levels.js';
import { apiLocale, loadMessages, resolveLanguage } from '../lib/i18n.js';
import { getSettings, normalizeServerUrl } from '../lib/settings.js';
import { onSettingsChanged, sessionStore } from '../lib/storage.js';
import { areDismissed, dismiss, sendFeedback } from './feedback.js';
import { MENU_ID, contextResult, createMenu, handleContextCheck as openContextCheck } from './menu.js';
import { apiFetch, clearBackoff, currentStatus, rawFetch, resetServerState, serverMeta, STATES } from './server.js';
import { forgetResults, resetScoring, scoreTexts, scoringStats, stats } from './scoring.js';

const CONFIG_META_WAIT_MS = 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(() => resolve(null), ms));

async function currentUiLanguage() {
  const settings = await getSettings();
  return { settings, uiLanguage: resolveLanguage(settings.uiLanguage) };
}

async function readerLocale() {
  return apiLocale((await currentUiLanguage()).uiLanguage);
}

// Ask the server directly. With `candidate` ({serverUrl, apiKey} from the options form, not
// saved yet) nothing tracked changes: it only answers "would this work?".
async function checkStatus(candidate = null) {
  const saved = await getSettings();
  const settings = candidate ? { ...saved, ...candidate } : saved;
  const call = candidate ? rawFetch : apiFetch;
  let result = await call(settings, '/healthz');
  // 'degraded' still scores (only feedback or shared rate limits are impaired): not an error.
  if (result.ok && !['ok', 'degraded'].includes(result.data?.status)) {
    result = { health: { state: STATES.error, message: 'unexpected /healthz answer' } };
  } else if (result.ok) {
    // /healthz needs no key; a one-word score shows whether ours is accepted.
    result = await call(settings, '/v1/score', { method: 'POST', body: { text: 'ok' } });
  }
  const h = result.health || { state: STATES.error, message: `HTTP ${result.status}` };
  // A refusal of posts seen earlier is still the news, if the server is otherwise fine.
  const tracked = candidate ? null : currentStatus();
  const state = tracked?.state === STATES.rejected && h.state === STATES.ok ? STATES.rejected : h.state;
  return { state, message: h.message, serverUrl: normalizeServerUrl(settings.serverUrl) };
}

async function checkOne(text) {
  clearBackoff(); // single checks bypass the backoff: the reader asked explicitly
  const locale = await readerLocale();
  const [result] = await scoreTexts([text], locale);
  return { result, status: currentStatus(), locale };
}

function handleContextCheck(info, tab) {
  return openContextCheck(info, tab, checkOne);
}

chrome.runtime.onInstalled.addListener(async () => createMenu((await currentUiLanguage()).uiLanguage));
chrome.runtime.onStartup.addListener(async () => createMenu((await currentUiLanguage()).uiLanguage));
chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID) handleContextCheck(info, tab);
});

// A new server or key makes earlier answers, the limits and the failure backoff meaningless.
onSettingsChanged(async (changes) => {
  if (changes.uiLanguage) createMenu((await currentUiLanguage()).uiLanguage);
  if (changes.serverUrl || changes.apiKey || changes.uiLanguage) {
    resetServerState();
    await forgetResults();
  }
});

// ---------- messages from content scripts, popup, options, result page ----------

const handlers = {
  async config(msg) {
    const { settings, uiLanguage } = await currentUiLanguage();
    // The page waits for this answer: a silent server must not hold it for the full timeout.
    const meta = (await Promise.race([serverMeta(settings), sleep(CONFIG_META_WAIT_MS)])) || {};
    return {
      enabled: settings.sites[msg.site] !== false,
      sensitivity: settings.sensitivity,
      blurHigh: settings.blurHigh,
      uiLanguage,
      locale: apiLocale(uiLanguage),
      backgroundCategories: meta.background_categories || [],
      messages: await loadMessages(uiLanguage),
    };
  },
  async score(msg) {
    const texts = Array.isArray(msg.texts) ? msg.texts.slice(0, 500) : [];
    const [results, dismissed] = await Promise.all([scoreTexts(texts, await readerLocale()), areDismissed(texts)]);
    return { results, dismissed };
  },
  async dismiss(msg) {
    await dismiss(msg.text);
    return { ok: true };
  },
  feedback: (msg) => sendFeedback(msg),
  status: (msg) => checkStatus(msg.candidate || null),
  checkText: (msg) => checkOne(String(msg.text || '')),
  async meta() {
    return serverMeta(await getSettings());
  },
  getResult: (msg) => contextResult(msg.id),
  stats: () => scoringStats(),
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = msg && handlers[msg.type];
  if (!handler) return false;
  Promise.resolve(handler(msg, sender))
    .then(sendResponse)
    .catch((err) => sendResponse({ error: String(err?.message || err) }));
  return true; // answer asynchronously
});

// For tests, the bench and debugging from the background's console (pages cannot reach this).
async function resetForTests() {
  resetServerState();
  await resetScoring();
  await sessionStore.clear();
}
globalThis.warnlib = { stats, handleContextCheck, checkStatus, scoreTexts, resetForTests };
