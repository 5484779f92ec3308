// Shared helpers for the site adapters. Loaded first in every content-script group;
// each file in sites/ then calls WarnlibAdapters.register({...}).
// An adapter is {name, matches(host), selectors, findPosts(root), textParts(post),
// textOf(post), anchorOf(post)}; selectors live in one object at the top of its file.
(() => {
  if (globalThis.WarnlibAdapters) return; // injected twice (e.g. extension reload): keep the first

  const adapters = [];

  // Collapse whitespace the way a reader sees it; the same rule is used when the
  // overlay looks for evidence in the page, so offsets line up.
  function collapse(text) {
    return text.replace(/\s+/g, ' ').trim();
  }

  // Try each selector of a fallback list in order and use the first that matches
  // anything: sites rename classes, and older markup lingers on some pages.
  function firstMatch(root, selectorList) {
    for (const selector of selectorList) {
      const found = root.querySelectorAll(selector);
      if (found.length) return Array.from(found);
    }
    return [];
  }

  function firstOne(root, selectorList) {
    for (const selector of selectorList) {
      const found = root.querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  // Elements matched by a nested selector can also match an outer one (a quoted
  // tweet inside a tweet): keep only the outermost so a post is sent once.
  function outermost(elements) {
    const set = new Set(elements);
    return elements.filter((el) => {
      for (let p = el.parentElement; p; p = p.parentElement) if (set.has(p)) return false;
      return true;
    });
  }

  function defaultTextOf(post) {
    return this.textParts(post)
      .map((el) => collapse(el.textContent || ''))
      .filter(Boolean)
      .join('\n');
  }

  function register(adapter) {
    if (!adapter.textOf) adapter.textOf = defaultTextOf;
    adapters.push(adapter);
  }

  function forHost(host) {
    return adapters.find((a) => a.matches(host)) || null;
  }

  globalThis.WarnlibAdapters = { register, forHost, firstMatch, firstOne, outermost, collapse, all: adapters };
})();
