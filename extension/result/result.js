// Result of the context-menu check: the selected text, the verdict and the reasons, and the
// same feedback buttons (in the same order) as the warning on a page.
import { getSettings } from '../lib/settings.js';
import { applyMessages, loadMessages, resolveLanguage } from '../lib/i18n.js';
import { renderResult } from '../lib/result-view.js';

const $ = (id) => document.getElementById(id);

async function main() {
  const settings = await getSettings();
  const uiLanguage = resolveLanguage(settings.uiLanguage);
  const t = await loadMessages(uiLanguage);
  document.documentElement.lang = uiLanguage === 'en' ? 'en' : 'zh-CN';
  applyMessages(document, t);
  const id = new URLSearchParams(location.search).get('id');
  const [entry, meta] = await Promise.all([
    chrome.runtime.sendMessage({ type: 'getResult', id }),
    chrome.runtime.sendMessage({ type: 'meta' }).catch(() => null),
  ]);
  if (!entry) return;
  $('text').textContent = entry.text;
  renderResult($('result'), entry.text, entry.result, entry.status, t, meta?.background_categories || []);
  if (entry.result) {
    const note = $('feedback-note');
    const send = async (verdict) => {
      note.textContent = '…';
      const r = await chrome.runtime
        .sendMessage({
          type: 'feedback',
          text: entry.text,
          verdict,
          score: entry.result.score,
          level: entry.result.level,
          version: entry.result.version,
          locale: entry.locale,
          url: entry.url,
        })
        .catch(() => null);
      note.textContent = r?.ok ? t.feedbackThanks : t.feedbackFailed;
    };
    $('feedback').prepend(...globalThis.WarnlibReasons.feedbackButtons(document, t, send));
    $('feedback').hidden = false;
  }
  document.body.dataset.ready = 'true';
}

main();
