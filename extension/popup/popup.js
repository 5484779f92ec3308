// Popup: server status (with how to start it), this tab's counts, and a paste-to-check box.
import { getSettings } from '../lib/settings.js';
import { applyMessages, loadMessages, resolveLanguage } from '../lib/i18n.js';
import { renderResult } from '../lib/result-view.js';

const $ = (id) => document.getElementById(id);

const STATE_KEYS = { ok: 'statusOk', down: 'statusDown', timeout: 'statusSlow', auth: 'statusAuth', error: 'statusError' };

async function showStatus(t) {
  const status = await chrome.runtime.sendMessage({ type: 'status' });
  $('server').dataset.state = status.state;
  $('server-state').textContent = t[STATE_KEYS[status.state]] || t.statusError;
  $('server-url').textContent = status.serverUrl;
  $('server-detail').textContent = status.state === 'ok' ? '' : status.message || '';
  $('server-help').hidden = status.state !== 'down' && status.state !== 'timeout';
}

// The tab to report on: the active one, or ?tab=ID (used when the popup is opened as a page).
async function targetTab() {
  const forced = Number(new URLSearchParams(location.search).get('tab'));
  if (forced) return forced;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

async function showTab(t) {
  const tabId = await targetTab();
  let stats = null;
  try {
    stats = tabId ? await chrome.tabs.sendMessage(tabId, { type: 'tabStats' }) : null;
  } catch {
    stats = null; // no content script on this page
  }
  if (!stats) {
    $('tab-note').textContent = t.tabUnsupported;
    return;
  }
  if (!stats.enabled) {
    $('tab-note').textContent = t.tabDisabled;
    return;
  }
  $('tab-counts').hidden = false;
  $('tab-checked').textContent = String(stats.checked);
  $('tab-flagged').textContent = String(stats.flagged);
}

async function main() {
  const settings = await getSettings();
  const t = await loadMessages(resolveLanguage(settings.language));
  document.documentElement.lang = resolveLanguage(settings.language) === 'en' ? 'en' : 'zh-CN';
  applyMessages(document, t);
  $('options').addEventListener('click', () => chrome.runtime.openOptionsPage());
  $('check').addEventListener('click', async () => {
    const text = $('paste').value.trim();
    if (!text) return;
    $('result').textContent = t.statusChecking;
    const reply = await chrome.runtime.sendMessage({ type: 'checkText', text }).catch(() => null);
    renderResult($('result'), text, reply?.result || null, reply?.status || null, t);
  });
  await Promise.all([showStatus(t), showTab(t)]);
  document.body.dataset.ready = 'true';
}

main();
