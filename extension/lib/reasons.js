// How an assessment is put in words for a reader: the level, the reasons (merged by category,
// strongest first, background-only categories left out), the evidence quoted from the post, one
// line of advice, and the two feedback buttons (always in the same order). Shared by the
// overlay in pages, the popup and the result window. A classic script that sets
// globalThis.WarnlibReasons; text is only ever inserted with textContent.
(() => {
  if (globalThis.WarnlibReasons) return;
  const { LOW, MEDIUM, HIGH, isFlagged } = globalThis.WarnlibLevels;

  const MAX_REASONS = 4; // more than this and nobody reads any of them
  const MAX_QUOTES = 1; // one quote per reason: the words themselves are highlighted in the post
  const WORDLIKE = /[\p{L}\p{N}]/gu; // a quote must show at least two letters or digits
  const QUOTE_CONTEXT = 12; // code points shown either side of the evidence

  // Message keys per level (the wording lives in _locales).
  const BADGE_KEY = { [HIGH]: 'badgeHigh', [MEDIUM]: 'badgeMedium' };
  const SHORT_BADGE_KEY = { [HIGH]: 'badgeHighShort', [MEDIUM]: 'badgeMediumShort' };
  const LEVEL_KEY = { [HIGH]: 'riskHigh', [MEDIUM]: 'riskMedium', [LOW]: 'riskLow' };
  const VERDICT_BUTTONS = [
    ['not_scam', 'notScam', 'not-scam'],
    ['scam', 'isScam', 'is-scam'],
  ];

  function badgeLabel(level, t) {
    return t[BADGE_KEY[level]] || t.badgeMedium;
  }

  // The label for a narrow card (a feed card is about 216 px wide).
  function shortBadgeLabel(level, t) {
    return t[SHORT_BADGE_KEY[level]] || badgeLabel(level, t);
  }

  // "风险程度：高" / "Risk: high" — a level, not a grade-like score.
  function levelLine(level, t) {
    return t[LEVEL_KEY[level]] || '';
  }

  // API spans count Unicode code points; JS strings count UTF-16 units.
  function codePoints(text) {
    return Array.from(text);
  }

  function validSpan(span, length) {
    const [s, e] = span || [];
    return Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= length;
  }

  // The reasons to show: one per category, ranked by the category's strength, then by weight.
  // Each: {category, message, spans}. `background` lists categories that only add context
  // (the server's /v1/meta says which); they are not a reason on their own.
  function mergedReasons(result, t, background = []) {
    const byCategory = new Map();
    for (const signal of result.signals || []) {
      const category = String(signal.category || '');
      if (background.includes(category)) continue;
      let reason = byCategory.get(category);
      if (!reason) {
        reason = { category, weight: 0, messages: [], spans: [] };
        byCategory.set(category, reason);
      }
      reason.weight += Number(signal.weight) || 0;
      if (signal.message) reason.messages.push(String(signal.message));
      reason.spans.push(...(signal.spans || []));
    }
    const strength = result.categories || {};
    const ranked = Array.from(byCategory.values()).sort(
      (a, b) => (Number(strength[b.category]) || 0) - (Number(strength[a.category]) || 0) || b.weight - a.weight,
    );
    return ranked.slice(0, MAX_REASONS).map((r) => ({
      category: r.category,
      // Our plain sentence for the category; the rule's own message for a category we do not know.
      message: t[`reason_${r.category}`] || r.messages[0] || r.category,
      spans: r.spans,
    }));
  }

  // Short quote around a span, with the span itself in <mark>.
  function quoteNode(doc, cps, start, end) {
    const quote = doc.createElement('span');
    quote.className = 'quote';
    const before = cps.slice(Math.max(0, start - QUOTE_CONTEXT), start).join('');
    const after = cps.slice(end, end + QUOTE_CONTEXT).join('');
    quote.append(doc.createTextNode(`“${start > QUOTE_CONTEXT ? '…' : ''}${before}`));
    const mark = doc.createElement('mark');
    mark.textContent = cps.slice(start, end).join('');
    quote.append(mark, doc.createTextNode(`${after}${end + QUOTE_CONTEXT < cps.length ? '…' : ''}”`));
    return quote;
  }

  // Quotes for distinct pieces of evidence, in the order the post says them.
  function quotes(doc, cps, spans) {
    const seen = new Set();
    const chosen = [];
    for (const span of [...spans].filter((s) => validSpan(s, cps.length)).sort((a, b) => a[0] - b[0])) {
      const piece = cps.slice(span[0], span[1]).join('').trim();
      if ((piece.match(WORDLIKE) || []).length < 2 || seen.has(piece)) continue;
      seen.add(piece);
      chosen.push(quoteNode(doc, cps, span[0], span[1]));
      if (chosen.length === MAX_QUOTES) break;
    }
    return chosen;
  }

  function reasonItem(doc, cls, message, quoteNodes) {
    const item = doc.createElement('li');
    item.className = cls;
    const text = doc.createElement('span');
    text.className = 'message';
    text.textContent = message;
    item.append(text, ...quoteNodes);
    return item;
  }

  // Fill `container` with the reasons for `result` about `text`. opts: {background}.
  function renderReasons(doc, container, text, result, t, opts = {}) {
    const cps = codePoints(text);
    const title = doc.createElement('h2');
    title.textContent = t.reasonsTitle;
    const list = doc.createElement('ul');
    const reasons = mergedReasons(result, t, opts.background || []);
    for (const reason of reasons) {
      list.append(reasonItem(doc, `reason cat-${reason.category}`, reason.message, quotes(doc, cps, reason.spans)));
    }
    // The learned model's strongest wording, quoted like the rules' evidence, if there is room.
    const learned = (result.model?.evidence || []).filter((e) => Number(e.weight) > 0);
    const modelQuotes = quotes(doc, cps, learned.map((e) => (e.spans || [])[0]));
    if (modelQuotes.length && reasons.length < MAX_REASONS + 1) {
      list.append(reasonItem(doc, 'reason model', t.modelReason, modelQuotes));
    }
    // The level and what to do first: that is what a reader needs even without reading on.
    const level = doc.createElement('div');
    level.className = 'level-line';
    level.textContent = levelLine(result.level, t);
    container.append(level);
    if (isFlagged(result.level)) container.append(adviceNode(doc, t));
    container.append(title, list);
  }

  // The one line of advice on a risky post.
  function adviceNode(doc, t) {
    const advice = doc.createElement('p');
    advice.className = 'advice';
    advice.textContent = t.advice;
    return advice;
  }

  // The two feedback buttons, in one order everywhere. onVerdict(verdict) is called on click.
  function feedbackButtons(doc, t, onVerdict) {
    return VERDICT_BUTTONS.map(([verdict, key, cls]) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.className = cls;
      b.dataset.verdict = verdict;
      b.textContent = t[key];
      b.addEventListener('click', () => onVerdict(verdict));
      return b;
    });
  }

  // The exact strings the API pointed at, taken from the text we sent (for the page highlight).
  function evidenceStrings(text, result, background = []) {
    const cps = codePoints(text);
    const out = new Set();
    for (const signal of result.signals || []) {
      if (background.includes(signal.category)) continue;
      for (const span of signal.spans || []) {
        if (!validSpan(span, cps.length)) continue;
        const piece = cps.slice(span[0], span[1]).join('').trim();
        if (piece) out.add(piece);
      }
    }
    return Array.from(out);
  }

  globalThis.WarnlibReasons = Object.freeze({
    badgeLabel,
    shortBadgeLabel,
    levelLine,
    mergedReasons,
    renderReasons,
    feedbackButtons,
    evidenceStrings,
  });
})();
