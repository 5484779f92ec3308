// The reader's verdicts: dismissals (per text, for this browser session) and feedback sent to
// the server with the level and locale the reader saw.
import { getSettings } from '../lib/settings.js';
import { keys, sessionStore } from '../lib/storage.js';
import { apiFetch, serverMeta } from './server.js';
import { clip, sha256 } from './scoring.js';

async function dismissedKey(text) {
  return keys.dismissed(await sha256(String(text)));
}

export async function areDismissed(texts) {
  const dismissKeys = await Promise.all(texts.map(dismissedKey));
  const stored = await sessionStore.getMany(dismissKeys);
  return dismissKeys.map((k) => Boolean(stored[k]));
}

export async function dismiss(text) {
  await sessionStore.set({ [await dismissedKey(text)]: true });
}

// {text, verdict, score?, level?, version?, locale, url?}: what the reader disagrees or agrees
// with, and the rules/model version of the assessment they saw.
export async function sendFeedback({ text, verdict, score, level, version, locale, url }) {
  const settings = await getSettings();
  const meta = await serverMeta(settings);
  // The verdicts the server takes (GET /v1/meta); an older server without meta checks them itself.
  if (meta.verdicts && !meta.verdicts.includes(verdict)) return { ok: false };
  const body = { text: clip(String(text), meta.limits.max_text_chars), verdict };
  if (typeof score === 'number') body.score = score;
  if (globalThis.WarnlibLevels.rank(level) >= 0) body.level = level;
  if (typeof locale === 'string' && (meta.locales || [locale]).includes(locale)) body.locale = locale;
  if (url) body.url = String(url);
  if (version && typeof version === 'object') {
    const kept = {};
    for (const part of ['warnlib', 'rules', 'model']) if (typeof version[part] === 'string') kept[part] = version[part];
    if (Object.keys(kept).length) body.version = kept;
  }
  const { ok, status } = await apiFetch(settings, '/v1/feedback', { method: 'POST', body });
  if (ok && verdict === 'not_scam') await dismiss(text);
  return { ok, status };
}
