// The warning UI: a badge in a shadow root (page CSS can't reach in, ours can't leak out),
// expandable to the reasons, with dismiss / feedback actions and optional masking.
// Page and API text is only ever inserted with textContent: never as HTML.
(() => {
  if (globalThis.WarnlibOverlay) return;

  const HOST_TAG = 'warnlib-badge';
  const HIGHLIGHT = 'warnlib-evidence';
  const BLUR_ATTR = 'data-warnlib-blur';

  const STYLE = `
    :host { all: initial; display: block; margin: 4px 0; font: 13px/1.45 system-ui, -apple-system,
      "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d2939; text-align: left; position: relative; z-index: 2; }
    .box { border-radius: 8px; border: 1px solid var(--edge); background: var(--bg); overflow: hidden; }
    .high { --bg: #fef3f2; --edge: #f04438; --fg: #b42318; }
    .medium { --bg: #fffaeb; --edge: #f79009; --fg: #b54708; }
    .box { container-type: inline-size; }
    .short { display: none; }
    @container (max-width: 340px) { .long { display: none; } .short { display: inline; } }
    .bar { display: flex; align-items: center; gap: 6px; padding: 4px 6px; }
    .label { font-weight: 600; color: var(--fg); flex: 1; min-width: 0; white-space: nowrap;
      overflow: hidden; text-overflow: ellipsis; }
    .label::before { content: "⚠"; margin-right: 4px; }
    button { all: unset; cursor: pointer; border-radius: 6px; padding: 2px 8px; font-size: 12px;
      border: 1px solid var(--edge); color: var(--fg); background: #fff; white-space: nowrap; }
    button:hover, button:focus-visible { background: var(--edge); color: #fff; }
    button.icon { border-color: transparent; background: transparent; font-size: 15px; padding: 0 6px; }
    /* The reasons open in the top layer (popover), so a card's fixed height or overflow:hidden
       cannot clip them and opening them never shifts the page's layout. */
    .panel { position: fixed; inset: auto; margin: 0; box-sizing: border-box; width: 360px;
      max-width: calc(100vw - 16px); max-height: 60vh; overflow: auto; padding: 8px 12px 10px;
      border: 1px solid var(--edge); border-radius: 8px; background: #fff; color: #1d2939;
      box-shadow: 0 8px 24px rgba(16, 24, 40, .18); font: inherit; }
    h2 { all: unset; display: block; font-weight: 600; margin: 0 0 4px; }
    ul { margin: 0 0 6px; padding-left: 18px; }
    li { margin: 3px 0; }
    .quote { display: block; color: #475467; font-size: 12px; }
    mark { background: #fde272; color: inherit; border-radius: 2px; padding: 0 1px; }
    .score { color: #475467; font-size: 12px; margin-bottom: 6px; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; }
    .note { font-size: 12px; color: #475467; margin-top: 4px; min-height: 1em; }
  `;

  // One parsed stylesheet shared by every badge rather than a <style> element to parse in
  // each; a <style> element where constructable sheets are unavailable.
  let sharedSheet = null;
  function adoptStyle(root, doc) {
    try {
      if (!sharedSheet) {
        sharedSheet = new CSSStyleSheet();
        sharedSheet.replaceSync(STYLE);
      }
      root.adoptedStyleSheets = [sharedSheet];
    } catch {
      const style = doc.createElement('style');
      style.textContent = STYLE;
      root.append(style);
    }
  }

  // ---------- text helpers ----------

  // API spans count Unicode code points; JS strings count UTF-16 units.
  function codePoints(text) {
    return Array.from(text);
  }

  // Short quote around a span, with the span itself in <mark>.
  function quoteNode(doc, cps, start, end) {
    const quote = doc.createElement('span');
    quote.className = 'quote';
    const before = cps.slice(Math.max(0, start - 12), start).join('');
    const after = cps.slice(end, end + 12).join('');
    quote.append(doc.createTextNode(`“${start > 12 ? '…' : ''}${before}`));
    const mark = doc.createElement('mark');
    mark.textContent = cps.slice(start, end).join('');
    quote.append(mark, doc.createTextNode(`${after}${end + 12 < cps.length ? '…' : ''}”`));
    return quote;
  }

  // The exact strings the API pointed at, taken from the text we sent.
  function evidenceStrings(text, result) {
    const cps = codePoints(text);
    const out = new Set();
    for (const signal of result.signals || []) {
      for (const [s, e] of signal.spans || []) {
        const piece = cps.slice(s, e).join('').trim();
        if (piece) out.add(piece);
      }
    }
    return Array.from(out);
  }

  // ---------- reasons (shared with the popup and the result page) ----------

  function levelLabel(level, t) {
    return level === 'high' ? t.badgeHigh : level === 'medium' ? t.badgeMedium : t.levelLow;
  }

  function renderReasons(doc, container, text, result, t) {
    const cps = codePoints(text);
    const title = doc.createElement('h2');
    title.textContent = t.reasonsTitle;
    const list = doc.createElement('ul');
    for (const signal of result.signals || []) {
      const item = doc.createElement('li');
      item.className = 'reason';
      const message = doc.createElement('span');
      message.className = 'message';
      message.textContent = String(signal.message ?? signal.rule ?? '');
      item.append(message);
      for (const [s, e] of (signal.spans || []).slice(0, 2)) {
        if (Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= cps.length) {
          item.append(quoteNode(doc, cps, s, e));
        }
      }
      list.append(item);
    }
    // The learned model's strongest n-grams, shown like a rule's evidence (spans into the text).
    const learned = (result.model?.evidence || []).filter((e) => Number(e.weight) > 0);
    if (learned.length) {
      const item = doc.createElement('li');
      item.className = 'reason model';
      const message = doc.createElement('span');
      message.className = 'message';
      message.textContent = t.modelReason || 'Wording that reads like scam posts';
      item.append(message);
      for (const evidence of learned.slice(0, 3)) {
        const [s, e] = (evidence.spans || [])[0] || [];
        if (Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= cps.length) {
          item.append(quoteNode(doc, cps, s, e));
        }
      }
      if (item.childNodes.length > 1) list.append(item);
    }
    const score = doc.createElement('div');
    score.className = 'score';
    score.textContent = `${t.scoreLabel}: ${Math.round(Number(result.score) * 100)} / 100`;
    container.append(title, list, score);
  }

  // ---------- evidence highlighted in the page ----------

  // Text of an element as `collapse()` sees it, with each character mapped back to
  // its text node and offset so a match can become a DOM Range.
  function collapsedTextMap(el) {
    const chars = [];
    const where = [];
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let pendingSpace = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest(HOST_TAG)) continue;
      const data = node.data;
      for (let i = 0; i < data.length; i++) {
        if (/\s/.test(data[i])) {
          if (!pendingSpace) pendingSpace = [node, i];
          continue;
        }
        if (pendingSpace && chars.length) {
          chars.push(' ');
          where.push(pendingSpace);
        }
        pendingSpace = null;
        chars.push(data[i]);
        where.push([node, i]);
      }
    }
    return { text: chars.join(''), where };
  }

  function findRanges(parts, pieces) {
    const ranges = [];
    for (const el of parts) {
      const { text, where } = collapsedTextMap(el);
      for (const piece of pieces) {
        let from = 0;
        for (let at = text.indexOf(piece, from); at !== -1; at = text.indexOf(piece, from)) {
          const range = el.ownerDocument.createRange();
          const [startNode, startOffset] = where[at];
          const [endNode, endOffset] = where[at + piece.length - 1];
          range.setStart(startNode, startOffset);
          range.setEnd(endNode, endOffset + 1);
          ranges.push(range);
          from = at + piece.length;
        }
      }
    }
    return ranges;
  }

  function highlightRegistry() {
    if (!globalThis.CSS || !CSS.highlights || typeof Highlight === 'undefined') return null;
    let h = CSS.highlights.get(HIGHLIGHT);
    if (!h) {
      h = new Highlight();
      CSS.highlights.set(HIGHLIGHT, h);
    }
    return h;
  }

  // ---------- masking in place ----------

  // Blur everything in the post except the path to our badge: mark the siblings of
  // each node on that path. Only attributes change; no page node is moved or removed.
  function mask(post, host) {
    const marked = [];
    for (let node = host; node && node !== post; node = node.parentElement) {
      const parent = node.parentElement;
      if (!parent) break;
      for (const sibling of parent.children) {
        if (sibling !== node && sibling.localName !== HOST_TAG && !sibling.hasAttribute(BLUR_ATTR)) {
          sibling.setAttribute(BLUR_ATTR, '');
          marked.push(sibling);
        }
      }
    }
    return () => marked.forEach((el) => el.removeAttribute(BLUR_ATTR));
  }

  // ---------- the badge ----------

  // Keep clicks inside the badge from reaching the page (a card's link, a feed's
  // click-to-open handler): the reader clicked our button, not the post.
  function isolateEvents(host) {
    const stop = (e) => e.stopPropagation();
    for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'touchstart', 'touchend', 'dblclick', 'keydown', 'keyup']) {
      host.addEventListener(type, stop);
    }
    host.addEventListener('click', (e) => {
      e.stopPropagation();
      e.preventDefault();
    });
  }

  function button(doc, label, cls, onClick) {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (cls) b.className = cls;
    b.addEventListener('click', onClick);
    return b;
  }

  /**
   * Put a warning on `post`. opts: {anchor, parts, text, result, t (messages), blur,
   * onDismiss(), onFeedback(verdict) -> Promise<bool>}. Returns {host, remove()}.
   */
  function attach(post, opts) {
    const doc = post.ownerDocument;
    const win = doc.defaultView;
    const { text, result, t } = opts;
    const level = result.level === 'high' ? 'high' : 'medium';
    const host = doc.createElement(HOST_TAG);
    host.setAttribute('data-level', level);
    const root = host.attachShadow({ mode: 'open' });
    const box = doc.createElement('div');
    box.className = `box ${level}`;
    box.setAttribute('role', 'alert');

    // One compact line in the post, so feeds with fixed-height cards keep their layout.
    const bar = doc.createElement('div');
    bar.className = 'bar';
    const label = doc.createElement('span');
    label.className = 'label';
    // Full wording, or just the level where the post is narrow (a feed card).
    const long = doc.createElement('span');
    long.className = 'long';
    long.textContent = levelLabel(level, t);
    const short = doc.createElement('span');
    short.className = 'short';
    short.textContent = level === 'high' ? t.levelHigh : t.levelMedium;
    label.append(long, short);
    label.title = long.textContent;

    // The reasons open in the top layer, beside the post where there is room.
    const panel = doc.createElement('div');
    panel.className = `panel ${level}`;
    panel.setAttribute('popover', 'manual');
    renderReasons(doc, panel, text, result, t);
    const note = doc.createElement('div');
    note.className = 'note';
    note.setAttribute('aria-live', 'polite');

    let ranges = [];
    let unmask = null;
    const registry = highlightRegistry();
    const unhighlight = () => {
      if (registry) ranges.forEach((r) => registry.delete(r));
      ranges = [];
    };
    const reveal = () => {
      if (unmask) unmask();
      unmask = null;
      show.remove();
    };

    // Beside the post (right, else left) so the highlighted words stay readable;
    // under or over the badge on narrow screens. Always inside the viewport.
    const place = () => {
      const postBox = post.getBoundingClientRect();
      const barBox = bar.getBoundingClientRect();
      const width = Math.min(360, win.innerWidth - 16);
      const height = panel.offsetHeight;
      const clampTop = (y) => Math.max(8, Math.min(y, win.innerHeight - height - 8));
      let left;
      let top;
      if (win.innerWidth - postBox.right >= width + 16) {
        left = postBox.right + 8;
        top = clampTop(barBox.top);
      } else if (postBox.left >= width + 16) {
        left = postBox.left - width - 8;
        top = clampTop(barBox.top);
      } else {
        left = Math.max(8, Math.min(barBox.left, win.innerWidth - width - 8));
        const below = barBox.bottom + 4;
        top = below + height > win.innerHeight - 8 ? Math.max(8, barBox.top - height - 4) : below;
      }
      panel.style.left = `${left}px`;
      panel.style.top = `${top}px`;
    };
    // Close on a click outside the badge or on Escape, like a menu.
    const onOutside = (e) => {
      if (!e.composedPath().includes(host)) panel.hidePopover();
    };
    const onKey = (e) => {
      if (e.key === 'Escape') panel.hidePopover();
    };
    const isOpen = () => panel.matches(':popover-open');

    const why = button(doc, t.showReasons, 'why', () => {
      if (isOpen()) panel.hidePopover();
      else panel.showPopover();
    });
    why.setAttribute('aria-expanded', 'false');
    panel.addEventListener('toggle', (e) => {
      const open = e.newState === 'open';
      why.textContent = open ? t.hideReasons : t.showReasons;
      why.setAttribute('aria-expanded', String(open));
      unhighlight();
      if (open) {
        // Asking why means wanting to look: unmask, then point at the words.
        reveal();
        place();
        win.addEventListener('scroll', place, { capture: true, passive: true });
        win.addEventListener('resize', place, { passive: true });
        doc.addEventListener('pointerdown', onOutside, true);
        doc.addEventListener('keydown', onKey, true);
        if (registry && host.isConnected) {
          ranges = findRanges(opts.parts || [], evidenceStrings(text, result));
          ranges.forEach((r) => registry.add(r));
        }
      } else {
        win.removeEventListener('scroll', place, { capture: true });
        win.removeEventListener('resize', place);
        doc.removeEventListener('pointerdown', onOutside, true);
        doc.removeEventListener('keydown', onKey, true);
      }
    });

    const controller = {
      host,
      remove() {
        if (isOpen()) panel.hidePopover(); // its toggle handler drops the listeners
        unhighlight();
        if (unmask) unmask();
        unmask = null;
        host.remove();
      },
    };

    const dismiss = button(doc, '×', 'icon dismiss', () => {
      controller.remove();
      opts.onDismiss?.();
    });
    dismiss.title = t.dismiss;
    dismiss.setAttribute('aria-label', t.dismiss);

    const show = button(doc, t.showPost, 'show', reveal);
    show.title = t.maskedNotice;

    const feedback = (verdict) => async () => {
      note.textContent = '…';
      const ok = await opts.onFeedback?.(verdict);
      note.textContent = ok ? t.feedbackThanks : t.feedbackFailed;
      if (ok && verdict === 'not_scam') setTimeout(() => controller.remove(), 900);
    };
    const actions = doc.createElement('div');
    actions.className = 'actions';
    actions.append(
      button(doc, t.notScam, 'not-scam', feedback('not_scam')),
      button(doc, t.isScam, 'is-scam', feedback('scam')),
      button(doc, t.dismiss, 'dismiss-text', () => dismiss.click()),
    );
    panel.append(actions, note);

    const masked = Boolean(opts.blur && level === 'high');
    bar.append(label, why, ...(masked ? [show] : []), dismiss);
    box.append(bar, panel);
    adoptStyle(root, doc);
    root.append(box);
    isolateEvents(host);

    const anchor = opts.anchor || post;
    anchor.insertBefore(host, anchor.firstChild);
    if (masked) {
      label.title = `${long.textContent} — ${t.maskedNotice}`;
      unmask = mask(post, host);
    }
    return controller;
  }

  globalThis.WarnlibOverlay = { attach, renderReasons, levelLabel, evidenceStrings, findRanges, HOST_TAG };
})();
