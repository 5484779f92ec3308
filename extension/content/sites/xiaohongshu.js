// xiaohongshu.com (小红书): explore feed cards, the note detail (title + description) and comments.
// Selectors as in SITES.md: sixiaolong's 小红书综合屏蔽 userscript (feed cards), WhiteSevs' 小红书优化
// (note detail container) and public scrapers (#detail-title / #detail-desc, comment items).
(() => {
  const SELECTORS = {
    feedCard: ['#exploreFeeds section.note-item', 'section.note-item'],
    cardText: ['.footer .title'],
    cardAnchor: ['.footer'],
    // The detail opens as an overlay over the feed (SPA) or as its own page.
    noteBody: ['#noteContainer .note-content', '.note-detail-mask .note-content', '#noteContainer'],
    noteTitle: ['#detail-title', '.title'],
    noteDesc: ['#detail-desc', '.note-text', '.desc'],
    comment: ['.comments-el .comment-item', '.comment-item'],
    commentText: ['.content .note-text', '.content'],
  };
  const A = globalThis.WarnlibAdapters;

  A.register({
    name: 'xiaohongshu',
    selectors: SELECTORS,
    matches: (host) => host === 'xiaohongshu.com' || host.endsWith('.xiaohongshu.com'),
    findPosts(root) {
      const cards = A.firstMatch(root, SELECTORS.feedCard);
      const body = A.firstMatch(root, SELECTORS.noteBody).slice(0, 1);
      const comments = A.firstMatch(root, SELECTORS.comment);
      return [...cards, ...body, ...comments];
    },
    kindOf(post) {
      if (post.matches(SELECTORS.feedCard.join(','))) return 'card';
      if (post.matches(SELECTORS.comment.join(','))) return 'comment';
      return 'note';
    },
    textParts(post) {
      const kind = this.kindOf(post);
      if (kind === 'card') return A.firstMatch(post, SELECTORS.cardText).slice(0, 1);
      if (kind === 'comment') return A.firstMatch(post, SELECTORS.commentText).slice(0, 1);
      // Note: the title and the description, but not the comments below them.
      const title = A.firstOne(post, SELECTORS.noteTitle);
      const desc = A.firstOne(post, SELECTORS.noteDesc);
      return [title, desc].filter((el) => el && !el.closest(SELECTORS.comment.join(',')));
    },
    anchorOf(post) {
      const kind = this.kindOf(post);
      if (kind === 'card') return A.firstOne(post, SELECTORS.cardAnchor) || post;
      if (kind === 'comment') return A.firstOne(post, ['.content']) || post;
      return post;
    },
  });
})();
