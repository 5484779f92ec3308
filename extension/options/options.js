// Options: server URL (asks for host access when it moves off loopback), API key,
// sensitivity, masking, per-site switches and the UI language.
import { DEFAULTS, getSettings, normalizeServerUrl, originPattern, saveSettings } from '../lib/settings.js';
import { applyMessages, loadMessages, resolveLanguage } from '../lib/i18n.js';
import { statusWords } from '../lib/result-view.js';

const form = document.getElementById('form');
const $ = (id) => document.getElementById(id);
let t = {};

function fill(settings) {
  form.serverUrl.value = settings.serverUrl;
  form.apiKey.value = settings.apiKey;
  for (const r of form.querySelectorAll('input[name="sensitivity"]')) r.checked = r.value === settings.sensitivity;
  form.blurHigh.checked = settings.blurHigh;
  for (const c of form.querySelectorAll('input[name="site"]')) c.checked = settings.sites[c.value] !== false;
  form.uiLanguage.value = settings.uiLanguage;
}

function read() {
  return {
    serverUrl: normalizeServerUrl(form.serverUrl.value),
    apiKey: form.apiKey.value.trim(),
    sensitivity: form.querySelector('input[name="sensitivity"]:checked')?.value || DEFAULTS.sensitivity,
    blurHigh: form.blurHigh.checked,
    sites: Object.fromEntries(Array.from(form.querySelectorAll('input[name="site"]'), (c) => [c.value, c.checked])),
    uiLanguage: form.uiLanguage.value,
  };
}

function say(text, isError = false) {
  $('save-result').textContent = text;
  $('save-result').className = isError ? 'error' : '';
}

// The worker can only reach a server the extension has host access to. Loopback is
// granted in the manifest; any other origin is asked for here, while we still have the
// click that chrome.permissions.request needs.
async function ensureAccess(serverUrl) {
  const origins = [originPattern(serverUrl)];
  if (await chrome.permissions.contains({ origins })) return true;
  try {
    return await chrome.permissions.request({ origins });
  } catch {
    return false;
  }
}

async function onSubmit(event) {
  event.preventDefault();
  let values;
  try {
    values = read();
  } catch {
    say(t.invalidUrl, true);
    return;
  }
  if (!(await ensureAccess(values.serverUrl))) {
    say(t.permissionDenied, true);
    return;
  }
  await saveSettings(values);
  fill(values);
  if (values.uiLanguage !== document.documentElement.dataset.uiLanguage) await localize(values.uiLanguage);
  say(t.saved);
}

// Tests what is in the form, saved or not.
async function onTest() {
  $('test-result').textContent = '…';
  let candidate;
  try {
    candidate = { serverUrl: normalizeServerUrl(form.serverUrl.value), apiKey: form.apiKey.value.trim() };
  } catch {
    $('test-result').textContent = t.invalidUrl;
    return;
  }
  const status = await chrome.runtime.sendMessage({ type: 'status', candidate });
  const words = statusWords(status.state, t);
  $('test-result').textContent = status.state === 'ok' ? `${t.popupServer}${words}` : words;
  $('test-result').dataset.state = status.state;
}

async function localize(uiLanguage) {
  const resolved = resolveLanguage(uiLanguage);
  t = await loadMessages(resolved);
  document.documentElement.dataset.uiLanguage = uiLanguage;
  document.documentElement.lang = resolved === 'en' ? 'en' : 'zh-CN';
  applyMessages(document, t);
}

async function main() {
  const settings = await getSettings();
  await localize(settings.uiLanguage);
  fill(settings);
  form.addEventListener('submit', onSubmit);
  $('test').addEventListener('click', onTest);
  document.body.dataset.ready = 'true';
}

main();
