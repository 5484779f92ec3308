// Popup: is checking working (in plain words, with the setup command folded away for whoever
// installed the extension), this tab's counts or why there are none, and a paste-to-check box.
import { getSettings } from '../lib/settings.js';
import { applyMessages, loadMessages, resolveLanguage } from '../lib/i18n.js';
import { needsSetup, renderResult, statusWords } from '../lib/result-view.js';

const $ = (id) => document.getElementById(id);

async function showStatus(t) {
  const status = await chrome.runtime.sendMessage({ type: 'status' });
  const ok = status.state === 'ok';
  $('server').dataset.state = status.state;
  $('server-label').hidden = !ok; // "检查服务：正常"; a problem is said in one sentence of its own
  $('server-state').textContent = statusWords(status.state, t);
  $('server-url').textContent = status.serverUrl;
  $('server-explain').hidden = ok || status.state === 'rejected';
  $('server-help').hidden = !needsSetup(status.state);
}

// The tab to report on: the active one, or ?tab=ID (used when the popup is opened as a page).
async function targetTab() {
  const forced = Number(new URLSearchParams(location.search).get('tab'));
  if (forced) return forced;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

// A supported site whose page gave us nothing to read: the adapter no longer fits its markup.
function layoutUnknown(stats) {
  return stats.scanned && (stats.found === 0 || (stats.withText === 0 && stats.empty > 0));
}

async function showTab(t) {
  const tabId = await targetTab();
  let stats = null;
  try {
    stats = tabId ? await chrome.tabs.sendMessage(tabId, { type: 'tabStats' }) : null;
  } catch {
    stats = null; // no content script on this page
  }
  const note = $('tab-note');
  if (!stats) {
    note.textContent = t.tabUnsupported;
    return;
  }
  if (!stats.enabled) {
    note.textContent = t.tabDisabled;
    return;
  }
  if (layoutUnknown(stats)) {
    note.dataset.state = 'layout-unknown';
    note.textContent = t.layoutUnknown.replace('{site}', t[`site_${stats.site}`] || stats.site);
    return;
  }
  $('tab-counts').hidden = false;
  $('tab-checked').textContent = String(stats.checked);
  $('tab-flagged').textContent = String(stats.flagged);
}

async function main() {
  const settings = await getSettings();
  const uiLanguage = resolveLanguage(settings.uiLanguage);
  const t = await loadMessages(uiLanguage);
  document.documentElement.lang = uiLanguage === 'en' ? 'en' : 'zh-CN';
  applyMessages(document, t);
  $('options').addEventListener('click', () => chrome.runtime.openOptionsPage());
  $('check').addEventListener('click', async () => {
    const text = $('paste').value.trim();
    if (!text) return;
    $('result').textContent = t.statusChecking;
    const [reply, meta] = await Promise.all([
      chrome.runtime.sendMessage({ type: 'checkText', text }).catch(() => null),
      chrome.runtime.sendMessage({ type: 'meta' }).catch(() => null),
    ]);
    renderResult($('result'), text, reply?.result || null, reply?.status || null, t, meta?.background_categories || []);
  });
  await Promise.all([showStatus(t), showTab(t)]);
  document.body.dataset.ready = 'true';
}

main();
