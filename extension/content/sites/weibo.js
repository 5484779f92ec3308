// weibo.com (new "wbpro" web app, older Feed articles) and m.weibo.cn.
// Selectors as in SITES.md: sixiaolong's 微博综合屏蔽 (wbpro), yaofang (older Feed articles),
// public scrapers (m.weibo.cn .card9).
(() => {
  const SELECTORS = {
    post: ['.wbpro-scroller-item', 'article[class*="Feed"]', '.card9'],
    // Original text and the reposted text, both shown in the card.
    text: ['.wbpro-feed-content', '.wbpro-feed-reText', '[class*="detail_wbtext"]', '.weibo-main .weibo-text'],
  };
  const A = globalThis.WarnlibAdapters;

  A.register({
    name: 'weibo',
    selectors: SELECTORS,
    matches: (host) => host === 'weibo.com' || host.endsWith('.weibo.com') || host === 'm.weibo.cn',
    findPosts(root) {
      return A.outermost(A.firstMatch(root, SELECTORS.post));
    },
    textParts(post) {
      // Every text block of the card in document order; nested matches dropped.
      return A.outermost(Array.from(post.querySelectorAll(SELECTORS.text.join(','))));
    },
    anchorOf(post) {
      const first = this.textParts(post)[0];
      return (first && first.parentElement) || post;
    },
  });
})();
