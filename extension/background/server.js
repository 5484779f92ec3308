// Talking to the warnlib server: one fetch with a timeout, the server status the popup shows,
// the failure backoff, and the server's meta (levels, limits, versions) from GET /v1/meta.
import { normalizeServerUrl } from '../lib/settings.js';
import { keys, sessionStore } from '../lib/storage.js';

const TIMEOUT_MS = 3000; // a slow server must never hold posts hostage
const DOWN_BACKOFF_MS = 5000; // after a failure, don't retry on every scroll
const META_MAX_AGE_MS = 10 * 60 * 1000; // limits can change with the server's config
const REFUSAL_SHOWN_MS = 60 * 1000;

// What a server that cannot tell us its limits (one older than /v1/meta, and without limits in
// /healthz) is assumed to accept: the limits of the first server versions.
// Those servers had no budget of characters per request (max_request_chars): none is assumed.
const FALLBACK_LIMITS = Object.freeze({
  max_batch_items: 100,
  max_text_chars: 20000,
  max_body_bytes: 2 * 1024 * 1024,
  max_request_chars: Number.MAX_SAFE_INTEGER,
});

// States the popup and options page put in words (see STATE_WORDS in popup.js).
export const STATES = Object.freeze({
  unknown: 'unknown',
  ok: 'ok',
  down: 'down',
  timeout: 'timeout',
  auth: 'auth',
  rateLimited: 'rate_limited',
  rejected: 'rejected', // the server refused what we sent (4xx): nothing in it was checked
  error: 'error', // the server failed (5xx) or answered something we cannot read
});

let status = { state: STATES.unknown, message: '', version: null, at: 0 };
let downUntil = 0;
const metaByServer = new Map(); // serverUrl -> {meta, fetchedAt}

export function currentStatus() {
  const { state, message, version } = status;
  return { state, message, version };
}

export function isBackingOff() {
  return Date.now() < downUntil;
}

export function resetServerState() {
  status = { state: STATES.unknown, message: '', version: null, at: 0 };
  downUntil = 0;
  metaByServer.clear();
}

export function clearBackoff() {
  downUntil = 0;
}

// What an HTTP answer says about the server: {state, message, retryAfter?}; null when it says
// nothing new (a 2xx without a body we asked for still means "ok").
function healthOf(response, data) {
  const message = data?.error?.message || `HTTP ${response.status}`;
  if (response.ok) return { state: STATES.ok, message: '', version: data?.version || null };
  if (response.status === 401 || response.status === 403) return { state: STATES.auth, message };
  if (response.status === 429) {
    return { state: STATES.rateLimited, message, retryAfter: Number(response.headers.get('Retry-After')) || 5 };
  }
  if (response.status >= 500) return { state: STATES.error, message };
  return { state: STATES.rejected, message };
}

// One API call. Returns {ok, status, data, health}. `health.message` is for logs and the
// options page's detail line, never shown to a reader as the explanation.
export async function rawFetch(settings, path, { method = 'GET', body } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (settings.apiKey) headers.Authorization = `Bearer ${settings.apiKey}`;
  try {
    const response = await fetch(normalizeServerUrl(settings.serverUrl) + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: controller.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { ok: response.ok, status: response.status, data, health: healthOf(response, data) };
  } catch (err) {
    const state = err?.name === 'AbortError' ? STATES.timeout : STATES.down;
    return { ok: false, status: 0, data: null, health: { state, message: String(err?.message || err) } };
  } finally {
    clearTimeout(timer);
  }
}

// Record what a call said about the server in the tracked status and the backoff.
export function noteHealth(health) {
  if (!health) return;
  const now = Date.now();
  // A refusal stays the state for a while: the posts it covered stay unchecked even when the
  // next request (other posts) is answered.
  const keepRefusal = health.state === STATES.ok && status.state === STATES.rejected && now - status.at < REFUSAL_SHOWN_MS;
  if (!keepRefusal) {
    status = { state: health.state, message: health.message, version: health.version ?? status.version, at: now };
  }
  if (health.state === STATES.ok) downUntil = 0;
  else if (health.state === STATES.down || health.state === STATES.timeout) downUntil = Date.now() + DOWN_BACKOFF_MS;
  else if (health.retryAfter) downUntil = Date.now() + health.retryAfter * 1000; // rate limited: as asked
}

// An API call whose outcome updates the tracked status and the backoff.
export async function apiFetch(settings, path, options) {
  const result = await rawFetch(settings, path, options);
  noteHealth(result.health);
  return result;
}

function limitsFrom(candidate) {
  const limits = { ...FALLBACK_LIMITS };
  for (const name of Object.keys(FALLBACK_LIMITS)) {
    const value = Number(candidate?.[name]);
    if (Number.isInteger(value) && value > 0) limits[name] = value;
  }
  return limits;
}

// The server's meta: {levels, thresholds, limits, locales, version, background_categories, ...}.
// From GET /v1/meta; a server without it (404) is asked for /healthz's limits. Cached per server
// for a few minutes and in session storage; `refresh` forces a new look (after a 413/422, say).
// An unreachable server is noted (status, backoff) and asked again after META_RETRY_MS.
const META_RETRY_MS = 15 * 1000;
const inflight = new Map(); // serverUrl -> Promise<meta>

export async function serverMeta(settings, { refresh = false } = {}) {
  const serverUrl = normalizeServerUrl(settings.serverUrl);
  const cached = metaByServer.get(serverUrl);
  if (!refresh && cached && Date.now() < cached.expires) return cached.meta;
  if (!refresh && !cached) {
    const stored = await sessionStore.getOne(keys.meta(serverUrl));
    if (stored && Date.now() < stored.expires) {
      metaByServer.set(serverUrl, stored);
      return stored.meta;
    }
  }
  if (!inflight.has(serverUrl)) {
    inflight.set(serverUrl, fetchMeta(settings, serverUrl, cached).finally(() => inflight.delete(serverUrl)));
  }
  return inflight.get(serverUrl);
}

async function fetchMeta(settings, serverUrl, previous) {
  let meta = null;
  const answer = await rawFetch(settings, '/v1/meta');
  if (answer.ok && answer.data && typeof answer.data === 'object') {
    meta = { ...answer.data, limits: limitsFrom(answer.data.limits) };
  } else if (answer.status === 404) {
    const health = await rawFetch(settings, '/healthz');
    if (health.ok) meta = { limits: limitsFrom(health.data?.limits), version: health.data?.version || null };
  } else if (answer.status === 0) {
    noteHealth(answer.health); // down or silent: start the backoff now, not after a batch fails
  }
  if (!meta) {
    // Keep what we knew (or the fallback) for a short while rather than asking on every post.
    const entry = { meta: previous?.meta || { limits: { ...FALLBACK_LIMITS } }, expires: Date.now() + META_RETRY_MS };
    metaByServer.set(serverUrl, entry);
    return entry.meta;
  }
  const entry = { meta, expires: Date.now() + META_MAX_AGE_MS };
  metaByServer.set(serverUrl, entry);
  await sessionStore.set({ [keys.meta(serverUrl)]: entry });
  return meta;
}

// The limits known now, without waiting for the network (the fallback until meta is read;
// a read is started if none is known).
export function knownLimits(settings) {
  const entry = metaByServer.get(normalizeServerUrl(settings.serverUrl));
  if (!entry) serverMeta(settings).catch(() => {});
  return entry?.meta?.limits || { ...FALLBACK_LIMITS };
}
