// Scoring: answers from the cache, or queued and sent every ~60 ms as POST /v1/score/batch
// requests cut to the server's limits (items per batch, characters per text, bytes per body).
import { getSettings } from '../lib/settings.js';
import { keys, sessionStore } from '../lib/storage.js';
import { apiFetch, isBackingOff, knownLimits, noteHealth, serverMeta } from './server.js';

const BATCH_WINDOW_MS = 60; // collect texts from a scroll burst into one request
const MEMORY_CACHE_MAX = 5000;
const BODY_OVERHEAD_BYTES = 64; // '{"items":[],"locale":"zh"}' and slack

const memoryCache = new Map(); // result key -> assessment
const queue = new Map(); // result key -> {text, locale, waiters: [resolve]}
let flushTimer = null;

// Counters the bench and tests read through the background (no page can see them).
export const stats = { requests: 0, items: 0, cacheHits: 0, failures: 0, refused: 0 };

export async function sha256(text) {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// The first `max` code points of `text` (the server counts code points, JavaScript UTF-16
// units). Only the end is cut, so the spans the server returns still point into the page's text.
export function clip(text, max) {
  if (text.length <= max) return text; // never more code points than UTF-16 units
  let count = 0;
  let index = 0;
  for (const ch of text) {
    if (count === max) break;
    count += 1;
    index += ch.length;
  }
  return text.slice(0, index);
}

const encoder = new TextEncoder();
function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1; // a string iterates by code point, not by UTF-16 unit
  return count;
}

function itemBytes(item) {
  return encoder.encode(JSON.stringify(item)).length + 1; // the comma between items
}

// Cut one locale's entries into batches the server accepts: at most max_batch_items items,
// max_body_bytes bytes and max_request_chars characters (code points, as the server counts;
// absent from older servers) each. (Each text is already within max_text_chars.) A batch the
// server still refuses, because normalization grew its text, is resent in halves.
export function planBatches(entries, limits) {
  const budget = limits.max_body_bytes - BODY_OVERHEAD_BYTES;
  const charBudget = limits.max_request_chars || Infinity;
  const batches = [];
  let current = [];
  let bytes = 0;
  let chars = 0;
  for (const entry of entries) {
    const size = itemBytes({ id: entry.id, text: entry.text });
    const length = codePoints(entry.text);
    const full = current.length >= limits.max_batch_items || bytes + size > budget || chars + length > charBudget;
    if (current.length && full) {
      batches.push(current);
      current = [];
      bytes = 0;
      chars = 0;
    }
    current.push(entry);
    bytes += size;
    chars += length;
  }
  if (current.length) batches.push(current);
  return batches;
}

function rememberResult(key, result) {
  memoryCache.set(key, result);
  if (memoryCache.size > MEMORY_CACHE_MAX) memoryCache.delete(memoryCache.keys().next().value);
  sessionStore.set({ [key]: result });
}

// Resolve each text to an assessment, or null when the server cannot answer (callers then
// leave the post untouched). Texts are cut to the limits known now; flush() cuts them again to
// the limits the server states when it sends.
export async function scoreTexts(texts, locale) {
  const settings = await getSettings();
  const limits = knownLimits(settings);
  const prepared = await Promise.all(
    texts.map(async (raw) => {
      const text = clip(String(raw), limits.max_text_chars);
      return { text, key: keys.result(locale, await sha256(text)) };
    }),
  );
  const missing = prepared.filter((p) => !memoryCache.has(p.key)).map((p) => p.key);
  const stored = await sessionStore.getMany(missing);
  for (const [key, value] of Object.entries(stored)) memoryCache.set(key, value);
  return Promise.all(
    prepared.map(({ text, key }) => {
      if (memoryCache.has(key)) {
        stats.cacheHits += 1;
        return memoryCache.get(key);
      }
      if (isBackingOff()) return null;
      return new Promise((resolve) => enqueue(key, text, locale, resolve));
    }),
  );
}

function enqueue(key, text, locale, resolve) {
  const entry = queue.get(key);
  if (entry) entry.waiters.push(resolve);
  else queue.set(key, { key, id: key.slice(-64), text, locale, waiters: [resolve] });
  if (!flushTimer) flushTimer = setTimeout(flush, BATCH_WINDOW_MS);
}

async function flush() {
  flushTimer = null;
  const entries = Array.from(queue.values());
  queue.clear();
  const settings = await getSettings();
  const { limits } = await serverMeta(settings);
  if (isBackingOff()) {
    // Learning the limits found the server down: nothing to send to.
    stats.failures += 1;
    for (const entry of entries) settle(entry, null);
    return;
  }
  const byLocale = new Map();
  for (const entry of entries) {
    entry.text = clip(entry.text, limits.max_text_chars);
    if (!byLocale.has(entry.locale)) byLocale.set(entry.locale, []);
    byLocale.get(entry.locale).push(entry);
  }
  const sends = [];
  for (const [locale, group] of byLocale) {
    for (const batch of planBatches(group, limits)) sends.push(sendBatch(settings, locale, batch));
  }
  await Promise.all(sends);
}

function settle(entry, result) {
  if (result) rememberResult(entry.key, result);
  for (const resolve of entry.waiters) resolve(result);
}

async function sendBatch(settings, locale, batch) {
  stats.requests += 1;
  stats.items += batch.length;
  const items = batch.map((e) => ({ id: e.id, text: e.text }));
  const { ok, status, data, health } = await apiFetch(settings, '/v1/score/batch', { method: 'POST', body: { items, locale } });
  if (ok && Array.isArray(data?.results)) {
    const byId = new Map(data.results.map((r) => [r.id, r]));
    for (const entry of batch) settle(entry, byId.get(entry.id) || null);
    return;
  }
  stats.failures += 1;
  if (status === 413 || status === 422) {
    // The server refused this request: its limits may have changed since we read them, or one
    // post in it is something it will not take. Re-read the limits and send the halves on
    // their own, so one refused post leaves the others checked.
    if (batch.length > 1) {
      const { limits } = await serverMeta(settings, { refresh: true });
      const half = Math.ceil(batch.length / 2);
      const parts = [batch.slice(0, half), batch.slice(half)].flatMap((part) => planBatches(part, limits));
      await Promise.all(parts.map((part) => sendBatch(settings, locale, part)));
      return;
    }
    stats.refused += 1;
    noteHealth(health); // rejected: the popup says some posts could not be checked
  }
  for (const entry of batch) settle(entry, null);
}

export async function resetScoring() {
  memoryCache.clear();
  for (const key of Object.keys(stats)) stats[key] = 0;
}

export function forgetResults() {
  memoryCache.clear();
  return sessionStore.removePrefix(keys.PREFIX.result);
}

export function scoringStats() {
  return { ...stats, queued: queue.size, cached: memoryCache.size };
}
