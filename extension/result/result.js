// Result of the context-menu check: the selected text, the verdict and the reasons.
import { getSettings } from '../lib/settings.js';
import { applyMessages, loadMessages, resolveLanguage } from '../lib/i18n.js';
import { renderResult } from '../lib/result-view.js';

const $ = (id) => document.getElementById(id);

async function main() {
  const settings = await getSettings();
  const t = await loadMessages(resolveLanguage(settings.language));
  applyMessages(document, t);
  const id = new URLSearchParams(location.search).get('id');
  const entry = await chrome.runtime.sendMessage({ type: 'getResult', id });
  if (!entry) return;
  $('text').textContent = entry.text;
  renderResult($('result'), entry.text, entry.result, entry.status, t);
  if (entry.result) {
    $('feedback').hidden = false;
    const send = (verdict) => async () => {
      $('feedback-note').textContent = '…';
      const r = await chrome.runtime
        .sendMessage({ type: 'feedback', text: entry.text, verdict, score: entry.result.score, url: entry.url })
        .catch(() => null);
      $('feedback-note').textContent = r?.ok ? t.feedbackThanks : t.feedbackFailed;
    };
    $('scam').addEventListener('click', send('scam'));
    $('not-scam').addEventListener('click', send('not_scam'));
  }
  document.body.dataset.ready = 'true';
}

main();
