// The context menu: check the selected text on any page and show the result in a small
// extension window (nothing is injected into the page).
import { loadMessages } from '../lib/i18n.js';
import { keys, sessionStore } from '../lib/storage.js';

export const MENU_ID = 'warnlib-check-selection';

// `checkOne(text)` -> {result, status, locale}
export async function handleContextCheck(info, tab, checkOne) {
  const text = (info.selectionText || '').trim();
  if (!text) return null;
  const { result, status, locale } = await checkOne(text);
  const id = crypto.randomUUID();
  await sessionStore.set({ [keys.contextCheck(id)]: { text, result, status, locale, url: tab?.url || '' } });
  const url = chrome.runtime.getURL(`result/result.html?id=${id}`);
  try {
    await chrome.windows.create({ url, type: 'popup', width: 460, height: 600 });
  } catch {
    await chrome.tabs.create({ url });
  }
  return id;
}

export function contextResult(id) {
  return sessionStore.getOne(keys.contextCheck(id));
}

// The menu item's title follows the UI language option, like the rest of the UI.
export async function createMenu(uiLanguage) {
  const title = (await loadMessages(uiLanguage)).menuCheckSelection;
  await chrome.contextMenus.removeAll();
  chrome.contextMenus.create({ id: MENU_ID, title, contexts: ['selection'] });
}
