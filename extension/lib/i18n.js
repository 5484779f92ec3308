// UI strings with a language override. chrome.i18n always follows the browser's
// language, so for an explicit choice we read _locales/<lang>/messages.json ourselves.

// 'auto' is Chinese when the browser's UI language or the reader's first preferred
// content language is Chinese (many readers of Chinese sites run an English browser).
export function resolveLanguage(setting) {
  if (setting === 'zh_CN' || setting === 'en') return setting;
  const ui = (chrome.i18n.getUILanguage() || '').toLowerCase();
  const preferred = ((globalThis.navigator?.languages || [])[0] || '').toLowerCase();
  return ui.startsWith('zh') || preferred.startsWith('zh') ? 'zh_CN' : 'en';
}

// Locale sent to the API so its messages come back in the reader's language.
export function apiLocale(uiLanguage) {
  return uiLanguage === 'en' ? 'en' : 'zh';
}

const cache = new Map();

export async function loadMessages(uiLanguage) {
  if (!cache.has(uiLanguage)) {
    const response = await fetch(chrome.runtime.getURL(`_locales/${uiLanguage}/messages.json`));
    const raw = await response.json();
    cache.set(uiLanguage, Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.message])));
  }
  return cache.get(uiLanguage);
}

// Fill every [data-i18n] element's text (never HTML) from the message table.
export function applyMessages(root, messages) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const text = messages[el.dataset.i18n];
    if (text) el.textContent = text;
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    const text = messages[el.dataset.i18nPlaceholder];
    if (text) el.placeholder = text;
  }
}
