// weibo.com (the "wbpro" web app: feed and detail pages, with hashed class names) and m.weibo.cn.
// Sources (see SITES.md): 微博综合屏蔽 v26.6.22 (2026-07: .wbpro-scroller-item,
// [class*="_body_"], .wbpro-feed-content, ._wbtext_…, comments .wbpro-list .item1); 2025
// userscripts (article[class*="_wrap_"]); yaofang (2021-22: article[class*="Feed"],
// detail_wbtext); public scrapers (m.weibo.cn .card9 .weibo-text).
// On detail pages .wbpro-scroller-item also wraps comment rows, so an item is a post only if
// it holds post text; comments are read as comments.
(() => {
  const SELECTORS = {
    post: ['.wbpro-scroller-item', 'article', '.card9'],
    // Original text and the reposted text, both shown in the card. Hashed classes keep their
    // readable stem (_wbtext_13kp7_1): match the stem.
    text: ['.wbpro-feed-content', '.wbpro-feed-reText', '[class*="_wbtext_"]', '[class*="detail_wbtext"]', '.weibo-main .weibo-text', '.weibo-text'],
    comment: ['.wbpro-list .item1'],
    commentText: ['.item1in .con1 .text', '.con1 .text', '.text'],
  };
  const A = globalThis.WarnlibAdapters;
  const TEXT = SELECTORS.text.join(',');
  const COMMENT = SELECTORS.comment.join(',');

  A.register({
    name: 'weibo',
    selectors: SELECTORS,
    matches: (host) => host === 'weibo.com' || host.endsWith('.weibo.com') || host === 'm.weibo.cn',
    findPosts(root) {
      const posts = A.outermost(
        A.allMatches(root, SELECTORS.post).filter((p) => !p.closest(COMMENT) && p.querySelector(TEXT)),
      );
      const comments = A.allMatches(root, SELECTORS.comment);
      return [...posts, ...comments];
    },
    kindOf(post) {
      return post.matches(COMMENT) ? 'comment' : 'post';
    },
    textParts(post) {
      if (this.kindOf(post) === 'comment') return A.ownMatches(post, SELECTORS.commentText, COMMENT).slice(0, 1);
      // Every text block of the card in document order; nested matches and comments dropped.
      return A.outermost(A.allMatches(post, SELECTORS.text)).filter((el) => !el.closest(COMMENT));
    },
    anchorOf(post) {
      const first = this.textParts(post)[0];
      return (first && first.parentElement) || post;
    },
  });
})();
