// What the extension's own pages (popup, result window, options) show: an assessment, or why
// there is none, and the server's state, all in the reader's words. The reasons come from
// lib/reasons.js (WarnlibReasons), which the overlay in pages uses too.
import './levels.js';
import './reasons.js';

// The server states of background/server.js, as message keys. Raw error text is never shown.
const STATE_KEYS = Object.freeze({
  ok: 'statusOk',
  down: 'statusDown',
  timeout: 'statusSlow',
  auth: 'statusAuth',
  rate_limited: 'statusRateLimited',
  rejected: 'statusRejected',
  error: 'statusError',
  unknown: 'statusChecking',
});

export function statusWords(state, t) {
  return t[STATE_KEYS[state]] || t.statusError;
}

// States in which nothing gets checked until someone does something.
export function needsSetup(state) {
  return state === 'down' || state === 'timeout' || state === 'auth';
}

export function renderResult(container, text, result, status, t, background = []) {
  const { isFlagged } = globalThis.WarnlibLevels;
  const R = globalThis.WarnlibReasons;
  container.replaceChildren();
  const level = document.createElement('div');
  if (!result) {
    level.className = 'level error';
    level.textContent = t.resultFailed;
    container.append(level);
    if (status?.state && status.state !== 'ok') {
      const detail = document.createElement('div');
      detail.className = 'muted';
      detail.textContent = statusWords(status.state, t);
      container.append(detail);
    }
    return;
  }
  level.className = `level ${result.level}`;
  level.textContent = isFlagged(result.level) ? R.badgeLabel(result.level, t) : t.resultNone;
  container.append(level);
  if (isFlagged(result.level)) R.renderReasons(document, container, text, result, t, { background });
}
