// Shared helpers for the site adapters. Loaded first in every content-script group (after
// lib/); each file in sites/ then calls WarnlibAdapters.register({...}).
// An adapter is {name, matches(host), selectors, findPosts(root), textParts(post),
// textOf(post), anchorOf(post)}; selectors live in one object at the top of its file, each
// with where it was seen and when (SITES.md has the same notes).
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

  // Everything any selector of the list matches, once each, in document order: for markups
  // that live side by side on one page (a post and its comments, old and new cards).
  function allMatches(root, selectorList) {
    return selectorList.length ? Array.from(root.querySelectorAll(selectorList.join(','))) : [];
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

  // The elements matching `selectorList` inside `post` that belong to it and not to a nested
  // item matching `nested` (a reply inside a comment has its own text).
  function ownMatches(post, selectorList, nested) {
    return allMatches(post, selectorList).filter((el) => {
      const owner = el.closest(nested);
      return !owner || owner === post || !post.contains(owner);
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

  globalThis.WarnlibAdapters = { register, forHost, firstMatch, allMatches, firstOne, outermost, ownMatches, collapse };
})();
