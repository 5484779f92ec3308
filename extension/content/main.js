// Finds the posts the reader is looking at, asks the service worker about their text,
// and puts a warning on the risky ones. If anything fails (server down, extension
// reloaded), it does nothing: the page must work exactly as it would without us.
(() => {
  if (globalThis.__warnlibMainLoaded) return;
  globalThis.__warnlibMainLoaded = true;

  const adapter = globalThis.WarnlibAdapters?.forHost(location.hostname);
  if (!adapter) return;

  const DEBOUNCE_MS = 100; // feeds mutate in bursts; one scan per burst
  const SEND_DELAY_MS = 30; // gather the posts one scroll reveals into one message

  // Per element: the text it was checked for. Virtual lists reuse elements for other
  // posts, so "seen this element" is not enough; the text must match too.
  let state = new WeakMap(); // post -> {text, controller?}
  let observed = new Set(); // pruned when posts leave the DOM, so nothing is kept alive
  const visible = new Set();
  const pending = new Set();
  const controllers = new Set();
  const checkedTexts = new Set();
  // How well the adapter understands this page: posts found, and posts on screen that had text.
  // The popup says 'layout not recognised' when a supported site yields nothing readable.
  const understanding = { scanned: false, found: 0, withText: 0, empty: 0 };
  let emptyPosts = new WeakSet();
  let textPosts = new WeakSet();
  const flaggedTexts = new Set();
  let config = null;
  let io = null;
  let mo = null;
  let scanTimer = null;
  let sendTimer = null;
  const perf = { ms: 0, posts: 0, byKind: {} };

  // Main-thread time spent by this script, in totals per kind of work (the popup's
  // tabStats carries them) and as "warnlib:*" performance measures that DevTools and the
  // bench can see. Measures stop after MAX_MEASURES so a long session can't grow the
  // page's performance buffer without bound; the totals keep counting.
  const MAX_MEASURES = 2000;
  let measures = 0;
  function timed(name, fn) {
    const start = performance.now();
    try {
      return fn();
    } finally {
      const end = performance.now();
      perf.ms += end - start;
      perf.byKind[name] = (perf.byKind[name] || 0) + (end - start);
      if (measures < MAX_MEASURES) {
        measures += 1;
        try {
          performance.measure(`warnlib:${name}`, { start, end });
        } catch {
          /* measure() unsupported: the totals still count */
        }
      }
    }
  }

  WarnlibOverlay.setTimer(timed);

  async function ask(message) {
    try {
      return await chrome.runtime.sendMessage(message);
    } catch {
      return null; // extension reloaded or worker unavailable: stay silent
    }
  }

  // ---------- finding posts ----------

  function scan() {
    scanTimer = null;
    timed('scan', () => {
      for (const post of adapter.findPosts(document)) {
        if (!observed.has(post)) {
          observed.add(post);
          io.observe(post);
          understanding.found += 1;
        }
      }
      understanding.scanned = true;
      for (const post of observed) {
        if (!post.isConnected) {
          io.unobserve(post);
          observed.delete(post);
        }
      }
      // Visible posts whose text changed in place (virtual list reuse, SPA swap).
      for (const post of visible) {
        if (!post.isConnected) visible.delete(post);
        else consider(post);
      }
    });
  }

  function scheduleScan() {
    if (!scanTimer) scanTimer = setTimeout(scan, DEBOUNCE_MS);
  }

  function onMutations(records) {
    timed('mutations', () => {
      if (records.some(isNews)) scheduleScan();
    });
  }

  // Our own badge going in or out is not news.
  function isNews(r) {
    if (WarnlibOverlay.isHost(r.target)) return false;
    if (r.type === 'childList' && [...r.addedNodes, ...r.removedNodes].every(WarnlibOverlay.isHost)) return false;
    return true;
  }

  function onIntersect(entries) {
    timed('intersect', () => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          visible.add(entry.target);
          consider(entry.target);
        } else {
          visible.delete(entry.target);
        }
      }
    });
  }

  // Queue a visible post if its text is new for this element.
  function consider(post) {
    const text = adapter.textOf(post);
    const current = state.get(post);
    if (current && current.text === text) return;
    if (current?.controller) removeWarning(post, current);
    if (current) post.removeAttribute('data-warnlib-level'); // the answer was for other text
    if (!text) {
      state.delete(post);
      if (!emptyPosts.has(post)) {
        emptyPosts.add(post);
        understanding.empty += 1;
      }
      return;
    }
    if (!textPosts.has(post)) {
      textPosts.add(post);
      understanding.withText += 1;
    }
    state.set(post, { text });
    pending.add(post);
    if (!sendTimer) sendTimer = setTimeout(send, SEND_DELAY_MS);
  }

  // ---------- asking and showing ----------

  async function send() {
    sendTimer = null;
    const posts = Array.from(pending);
    pending.clear();
    const texts = Array.from(new Set(posts.map((p) => state.get(p)?.text).filter(Boolean)));
    if (!texts.length) return;
    const reply = await ask({ type: 'score', texts });
    timed('apply', () => {
      const byText = new Map();
      texts.forEach((t, i) => byText.set(t, { result: reply?.results?.[i] || null, dismissed: reply?.dismissed?.[i] }));
      for (const post of posts) {
        const st = state.get(post);
        if (!st || !byText.has(st.text)) continue; // text changed while we waited
        const { result, dismissed } = byText.get(st.text);
        if (!result) {
          // No answer (server down or slow): forget it so a later scroll retries.
          state.delete(post);
          continue;
        }
        perf.posts += 1;
        show(post, st, result, dismissed);
      }
    });
  }

  function show(post, st, result, dismissed) {
    checkedTexts.add(st.text);
    post.setAttribute('data-warnlib-level', result.level);
    if (!WarnlibLevels.warns(result.level, config.sensitivity)) return;
    flaggedTexts.add(st.text);
    if (dismissed || st.controller) return;
    const text = st.text;
    st.controller = WarnlibOverlay.attach(post, {
      anchor: adapter.anchorOf(post),
      maskRoot: adapter.maskRootOf ? adapter.maskRootOf(post) : post,
      parts: adapter.textParts(post),
      text,
      result,
      t: config.messages,
      blur: config.blurHigh,
      background: config.backgroundCategories,
      onDismiss: () => {
        controllers.delete(st.controller);
        st.controller = null;
        ask({ type: 'dismiss', text });
      },
      onFeedback: async (verdict) => {
        const r = await ask({
          type: 'feedback',
          text,
          verdict,
          score: result.score,
          level: result.level,
          version: result.version,
          locale: config.locale,
          url: location.href,
        });
        return Boolean(r && r.ok);
      },
    });
    controllers.add(st.controller);
  }

  function removeWarning(post, st) {
    st.controller.remove();
    controllers.delete(st.controller);
    st.controller = null;
    post.removeAttribute('data-warnlib-level');
  }

  // ---------- lifecycle ----------

  function stop() {
    io?.disconnect();
    mo?.disconnect();
    clearTimeout(scanTimer);
    clearTimeout(sendTimer);
    scanTimer = sendTimer = null;
    for (const c of controllers) c.remove();
    controllers.clear();
    for (const el of document.querySelectorAll('[data-warnlib-level]')) el.removeAttribute('data-warnlib-level');
    state = new WeakMap();
    observed = new Set();
    visible.clear();
    pending.clear();
    checkedTexts.clear();
    flaggedTexts.clear();
    Object.assign(understanding, { scanned: false, found: 0, withText: 0, empty: 0 });
    emptyPosts = new WeakSet();
    textPosts = new WeakSet();
  }

  async function start() {
    config = await ask({ type: 'config', site: adapter.name });
    if (!config || config.error || !config.enabled) return;
    io = new IntersectionObserver(onIntersect, { rootMargin: '0px' });
    mo = new MutationObserver(onMutations);
    mo.observe(document.body || document.documentElement, { childList: true, subtree: true, characterData: true });
    scan();
  }

  // The popup asks the tab how many posts were checked and flagged.
  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (msg?.type !== 'tabStats') return false;
    sendResponse({
      site: adapter.name,
      enabled: Boolean(config && config.enabled),
      checked: checkedTexts.size,
      flagged: flaggedTexts.size,
      ...understanding,
      mainThreadMs: perf.ms,
      mainThreadByKind: perf.byKind,
      postsAnswered: perf.posts,
    });
    return false;
  });

  // New options apply without reloading the page.
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'sync') return;
    stop();
    start();
  });

  start();
})();
