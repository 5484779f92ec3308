// reddit.com ("shreddit" web components, plus the older React markup).
// Selectors as in SITES.md: reddit-filter keys on shreddit-post and its slotted children.
// shreddit-post renders light-DOM children through named slots, so the badge goes inside
// a slotted child (the text body, else the title) rather than loose in the post.
(() => {
  const SELECTORS = {
    post: ['shreddit-post', '[data-testid="post-container"]'],
    title: ['[slot="title"]', 'a[data-testid="post-title"]', 'h3'],
    body: ['[slot="text-body"]', '[data-click-id="text"]'],
  };
  const A = globalThis.WarnlibAdapters;

  A.register({
    name: 'reddit',
    selectors: SELECTORS,
    matches: (host) => host === 'reddit.com' || host.endsWith('.reddit.com'),
    findPosts(root) {
      return A.outermost(A.firstMatch(root, SELECTORS.post));
    },
    textParts(post) {
      return [A.firstOne(post, SELECTORS.title), A.firstOne(post, SELECTORS.body)].filter(Boolean);
    },
    anchorOf(post) {
      return A.firstOne(post, SELECTORS.body) || A.firstOne(post, SELECTORS.title) || post;
    },
  });
})();
