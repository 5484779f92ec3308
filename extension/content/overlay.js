// The warning UI: a badge in a shadow root (page CSS can't reach in, ours can't leak out),
// expandable to the reasons, with dismiss / feedback actions and optional masking.
// Page and API text is only ever inserted with textContent: never as HTML.
(() => {
  if (globalThis.WarnlibOverlay) return;
  const { HIGH, MEDIUM } = globalThis.WarnlibLevels;
  const R = globalThis.WarnlibReasons;

  // The host is a plain <div> marked by an attribute, not a custom element: content scripts
  // cannot define custom elements, and sites hide undefined ones (Reddit ships
  // `:not(:defined) { visibility: hidden }`). Its inline !important declarations outrank any
  // page stylesheet rule (display, visibility, opacity, `all` resets, clipping).
  const HOST_ATTR = 'data-warnlib-badge';
  const HOST_SELECTOR = `[${HOST_ATTR}]`;
  const HOST_STYLE = [
    'all: initial',
    'display: block',
    'visibility: visible',
    'opacity: 1',
    'position: relative',
    'z-index: 2147483000',
    'box-sizing: border-box',
    'width: auto',
    'min-width: 0',
    'max-width: 100%',
    'height: auto',
    'max-height: none',
    'margin: 4px 0',
    'padding: 0',
    'float: none',
    'clip-path: none',
    'transform: none',
    'filter: none',
    'pointer-events: auto',
    'content-visibility: visible',
  ]
    .map((d) => `${d} !important`)
    .join('; ');
  const HIGHLIGHT = 'warnlib-evidence';
  const BLUR_ATTR = 'data-warnlib-blur';
  const NARROW_PX = 340; // below this the bar stacks: label and × above, buttons below
  const MIN_VISIBLE_PX = 24; // a badge smaller than this cannot be read: then we do not mask

  function isHost(node) {
    return Boolean(node && node.nodeType === 1 && node.hasAttribute(HOST_ATTR));
  }

  const STYLE = `
    .box { box-sizing: border-box; border-radius: 8px; border: 1px solid var(--edge); background: var(--bg);
      font: 13px/1.45 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif;
      color: #1d2939; text-align: start; letter-spacing: normal; word-spacing: normal; text-transform: none;
      container-type: inline-size; min-width: 0; }
    .high { --bg: #fef3f2; --edge: #f04438; --fg: #b42318; }
    .medium { --bg: #fffaeb; --edge: #f79009; --fg: #b54708; }
    .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; padding: 4px 6px; }
    .label { order: 1; flex: 1 1 8em; min-width: 0; font-weight: 600; color: var(--fg);
      white-space: normal; overflow-wrap: anywhere; word-break: normal; line-break: strict; }
    .label::before { content: "⚠"; margin-inline-end: 4px; }
    .short { display: none; }
    .controls { order: 2; display: flex; flex-wrap: wrap; gap: 4px 6px; }
    .dismiss { order: 3; }
    /* A feed card (about 216 px, down to 160): label and × on top, the buttons below, smaller
       type, so the whole label stays readable and every button stays inside the card. */
    @container (max-width: ${NARROW_PX}px) {
      .bar { gap: 3px 4px; padding: 3px 4px; }
      .label { flex: 1 1 0; font-size: 12px; line-height: 1.35; }
      .long { display: none; }
      .short { display: inline; }
      .dismiss { order: 2; align-self: flex-start; }
      .controls { order: 3; flex: 1 1 100%; gap: 3px 4px; }
      .controls button { font-size: 11px; padding: 1px 5px; }
    }
    button { all: unset; box-sizing: border-box; cursor: pointer; border-radius: 6px; padding: 2px 8px;
      font: inherit; font-size: 12px; line-height: 1.4; border: 1px solid var(--edge); color: var(--fg);
      background: #fff; white-space: nowrap; }
    button:hover { background: var(--edge); color: #fff; }
    /* Keyboard focus shows a ring; a mouse click leaves no lasting highlight. */
    button:focus-visible { outline: 2px solid #1570ef; outline-offset: 1px; }
    button.icon { border-color: transparent; background: transparent; font-size: 16px; line-height: 1;
      padding: 2px 6px; min-width: 24px; min-height: 24px; text-align: center; }
    button.icon:hover { background: var(--edge); }
    /* The reasons open in the top layer (popover), so a card's fixed height or overflow:hidden
       cannot clip them and opening them never shifts the page's layout. */
    .panel { position: fixed; inset: auto; margin: 0; box-sizing: border-box; width: 360px;
      max-width: calc(100vw - 16px); max-height: 75vh; overflow: auto; padding: 8px 12px 10px;
      border: 1px solid var(--edge); border-radius: 8px; background: #fff; color: #1d2939;
      box-shadow: 0 8px 24px rgba(16, 24, 40, .18);
      font: 13px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; }
    h2 { all: unset; display: block; font-weight: 600; margin: 0 0 4px; }
    ul { margin: 0 0 6px; padding-inline-start: 18px; }
    li { margin: 3px 0; }
    .quote { display: block; color: #475467; font-size: 12px; }
    mark { background: #fde272; color: inherit; border-radius: 2px; padding: 0 1px; }
    .level-line { color: #475467; font-size: 12px; margin-bottom: 4px; }
    .advice { margin: 4px 0 8px; padding: 6px 8px; border-radius: 6px; background: var(--bg); color: #1d2939; }
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

  // ---------- evidence highlighted in the page ----------

  // Text of an element as `collapse()` sees it, with each character mapped back to
  // its text node and offset so a match can become a DOM Range.
  function collapsedTextMap(el) {
    const chars = [];
    const where = [];
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let pendingSpace = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest(HOST_SELECTOR)) continue;
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
        if (sibling !== node && !isHost(sibling) && !sibling.hasAttribute(BLUR_ATTR)) {
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


  // ---------- can the reader see it? ----------

  function area(r) {
    return Math.max(0, r.width) * Math.max(0, r.height);
  }

  function intersect(a, b) {
    const left = Math.max(a.left, b.left);
    const top = Math.max(a.top, b.top);
    const right = Math.min(a.right, b.right);
    const bottom = Math.min(a.bottom, b.bottom);
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  }

  // True when the badge is rendered, not hidden by any page rule, not clipped away by an
  // ancestor, and its label and × can be read and clicked. Only then may the post be masked:
  // a post hidden behind a warning nobody can see is worse than no warning.
  function canBeSeen(host, label, dismiss, post) {
    if (!host.isConnected) return false;
    if (host.checkVisibility && !host.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) {
      return false;
    }
    const box = host.getBoundingClientRect();
    if (box.width < MIN_VISIBLE_PX || box.height < MIN_VISIBLE_PX * 0.75) return false;
    const labelBox = label.getBoundingClientRect();
    if (labelBox.width < 12 || labelBox.height < 8) return false;
    const closeBox = dismiss.getBoundingClientRect();
    if (closeBox.left < box.left - 1 || closeBox.right > box.right + 1) return false;
    // Ancestors that clip (overflow other than visible) up to the post must leave it showing.
    const doc = host.ownerDocument;
    const win = doc.defaultView;
    let visible = box;
    for (let el = host.parentElement; el && el !== doc.documentElement; el = el.parentElement) {
      const style = win.getComputedStyle(el);
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        visible = intersect(visible, el.getBoundingClientRect());
        if (visible.width <= 0 || visible.height <= 0 || area(visible) < area(box) * 0.5) return false;
      }
      if (el === post) break;
    }
    // Something drawn on top of the × (an overlay link, a sticky header) steals its clicks.
    const x = (closeBox.left + closeBox.right) / 2;
    const y = (closeBox.top + closeBox.bottom) / 2;
    if (x >= 0 && y >= 0 && x < win.innerWidth && y < win.innerHeight) {
      const hit = doc.elementFromPoint(x, y);
      if (hit && hit !== host && !host.contains(hit)) return false;
    }
    return true;
  }

  // Where the badge can go, best first: the adapter's anchor, the post itself, just before the
  // post (outside it, for components that render only some of their children).
  function placements(post, anchor) {
    const spots = [];
    if (anchor && anchor !== post) spots.push((host) => anchor.insertBefore(host, anchor.firstChild));
    spots.push((host) => post.insertBefore(host, post.firstChild));
    if (post.parentElement) spots.push((host) => post.parentElement.insertBefore(host, post));
    return spots;
  }

  /**
   * Put a warning on `post`. opts: {anchor, maskRoot, parts, text, result, t (messages), blur,
   * background (categories not shown as reasons), onDismiss(), onFeedback(verdict) -> Promise<bool>}.
   * Returns {host, visible, remove()}; `visible` (and the mask) follow after the next layout.
   */
  function attach(post, opts) {
    const doc = post.ownerDocument;
    const win = doc.defaultView;
    const { text, result, t } = opts;
    const level = result.level === HIGH ? HIGH : MEDIUM;
    const host = doc.createElement('div');
    host.setAttribute(HOST_ATTR, '');
    host.setAttribute('data-level', level);
    host.setAttribute('style', HOST_STYLE);
    const root = host.attachShadow({ mode: 'open' });
    const box = doc.createElement('div');
    box.className = `box ${level}`;
    box.setAttribute('role', 'alert');

    // One compact line in the post (two on a narrow card): the label, the buttons, the ×.
    const bar = doc.createElement('div');
    bar.className = 'bar';
    const label = doc.createElement('span');
    label.className = 'label';
    // Full wording, or a shorter one where the post is narrow (a feed card): never cut off.
    const long = doc.createElement('span');
    long.className = 'long';
    long.textContent = R.badgeLabel(level, t);
    const short = doc.createElement('span');
    short.className = 'short';
    short.textContent = R.shortBadgeLabel(level, t);
    label.append(long, short);

    // The reasons open in the top layer, beside the post where there is room.
    const panel = doc.createElement('div');
    panel.className = `panel ${level}`;
    panel.setAttribute('popover', 'manual');
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
      else {
        fillPanel();
        panel.showPopover();
      }
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
          ranges = findRanges(opts.parts || [], R.evidenceStrings(text, result, opts.background || []));
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
      visible: false,
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

    // The reasons are put in words when first asked for: most warnings are never opened, and
    // building every panel up front was most of the time spent drawing badges in a feed.
    let panelFilled = false;
    const fillPanel = () => {
      if (panelFilled) return;
      panelFilled = true;
      R.renderReasons(doc, panel, text, result, t, { background: opts.background || [] });
      const actions = doc.createElement('div');
      actions.className = 'actions';
      actions.append(
        ...R.feedbackButtons(doc, t, async (verdict) => {
          note.textContent = '…';
          const ok = await opts.onFeedback?.(verdict);
          note.textContent = ok ? t.feedbackThanks : t.feedbackFailed;
          if (ok && verdict === 'not_scam') setTimeout(() => controller.remove(), 900);
        }),
        button(doc, t.dismiss, 'dismiss-text', () => dismiss.click()),
      );
      panel.append(actions, note);
    };

    const wantsMask = Boolean(opts.blur && level === HIGH);
    const maskRoot = opts.maskRoot || post; // what is covered: the post, or only part of it
    const controls = doc.createElement('span');
    controls.className = 'controls';
    controls.append(why, ...(wantsMask ? [show] : []));
    bar.append(label, controls, dismiss);
    box.append(bar, panel);
    adoptStyle(root, doc);
    root.append(box);
    isolateEvents(host);

    // Whether it can be seen is checked after the browser's next layout (an IntersectionObserver
    // callback), for all new badges at once: checking each one as it is inserted forced a layout
    // per badge. Until then the post is not masked.
    const spots = placements(post, opts.anchor || post);
    spots[0](host);
    host.setAttribute('data-visible', 'pending');
    const settle = (seen, spot) => {
      if (seen) {
        controller.visible = true;
        if (wantsMask && maskRoot.contains(host)) {
          label.title = `${long.textContent} — ${t.maskedNotice}`;
          unmask = mask(maskRoot, host);
        } else {
          show.remove(); // badge outside the post: nothing of the post can be masked around it
        }
        host.setAttribute('data-visible', 'true');
        return null;
      }
      if (spot + 1 < spots.length) {
        spots[spot + 1](host);
        return spot + 1; // look again after the next layout
      }
      // Nowhere to be seen: leave it at the anchor (harmless) and never mask.
      spots[0](host);
      show.remove();
      host.setAttribute('data-visible', 'false');
      return null;
    };
    watch(host, { spot: 0, check: () => canBeSeen(host, label, dismiss, post), settle });
    const remove = controller.remove;
    controller.remove = () => {
      unwatch(host);
      remove();
    };
    return controller;
  }

  // ---------- checking badges after layout, in one pass ----------

  const watched = new Map(); // host -> {spot, check(), settle(seen, spot) -> next spot or null}
  let seer = null;
  let timer = (name, fn) => fn(); // main.js installs its main-thread timer

  function onLaid(entries) {
    timer('visibility', () => {
      // All reads first (one layout, already done by the browser), then all writes.
      const verdicts = [];
      for (const entry of entries) {
        const state = watched.get(entry.target);
        if (state) verdicts.push([entry.target, state, state.check()]);
      }
      for (const [host, state, seen] of verdicts) {
        seer.unobserve(host);
        const next = host.isConnected ? state.settle(seen, state.spot) : null;
        if (next === null) watched.delete(host);
        else {
          state.spot = next;
          seer.observe(host); // observing anew reports after the next layout
        }
      }
    });
  }

  function watch(host, state) {
    if (!seer) seer = new IntersectionObserver(onLaid);
    watched.set(host, state);
    seer.observe(host);
  }

  function unwatch(host) {
    if (watched.delete(host)) seer.unobserve(host);
  }

  function setTimer(fn) {
    timer = fn;
  }

  globalThis.WarnlibOverlay = { attach, findRanges, isHost, setTimer, HOST_SELECTOR };
})();
