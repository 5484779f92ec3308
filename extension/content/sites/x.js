// x.com (Twitter): timeline and thread posts. Selectors as in SITES.md: Control Panel for
// Twitter and ScamSniffer both key on data-testid, which survives X's class-name churn.
(() => {
  const SELECTORS = {
    post: ['article[data-testid="tweet"]', 'article[role="article"]'],
    text: ['[data-testid="tweetText"]'],
    author: ['[data-testid="User-Name"]'],
  };
  const A = globalThis.WarnlibAdapters;

  A.register({
    name: 'x',
    selectors: SELECTORS,
    matches: (host) => ['x.com', 'twitter.com'].some((d) => host === d || host.endsWith('.' + d)),
    findPosts(root) {
      return A.outermost(A.firstMatch(root, SELECTORS.post));
    },
    textParts(post) {
      // A quote tweet shows two tweetText blocks; both are what the reader sees.
      return A.firstMatch(post, SELECTORS.text);
    },
    anchorOf(post) {
      const text = A.firstOne(post, SELECTORS.text);
      return (text && text.parentElement) || post;
    },
  });
})();
