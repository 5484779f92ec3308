// xiaohongshu.com (小红书): explore feed cards, the note detail (title + description), comments
// and their replies.
// Sources (see SITES.md): sixiaolong's 小红书综合屏蔽 v26.7.23 (2026-07: section.note-item,
// .footer .title, .comments-el .comment-item); WhiteSevs' 小红书优化 (#noteContainer); public
// scrapers (#detail-title / #detail-desc); OpenCLI (2026-05, issue 1506 / PR 1507: bare <section>
// cards without note-item, found by the /explore/<id> link they wrap; replies as
// .reply-container .comment-item-sub and .sub-comment-list .comment-item).
(() => {
  const SELECTORS = {
    feedCard: ['section.note-item'],
    // Any card is a link to a note: /explore/<note id>. Its card is the repeating item around it.
    noteLink: ['a[href*="/explore/"]'],
    cardOfLink: ['section', 'li', '[class*="note-item"]', '[data-index]'],
    cardText: ['.footer .title', '.title', '[class*="title"]'],
    cardAnchor: ['.footer', '[class*="footer"]'],
    // The detail opens as an overlay over the feed (SPA) or as its own page.
    noteBody: ['#noteContainer .note-content', '.note-detail-mask .note-content', '#noteContainer'],
    noteTitle: ['#detail-title', '.title'],
    noteDesc: ['#detail-desc', '.note-text', '.desc'],
    // Comments and replies (a reply may carry only comment-item-sub).
    comment: ['.comment-item', '.comment-item-sub', '.sub-comment-list .comment-item'],
    commentText: ['.content .note-text', '.content', '.note-text'],
    commentAnchor: ['.content'],
  };
  const A = globalThis.WarnlibAdapters;
  const NOTE_ID = /\/explore\/[0-9a-z]{8,}/i; // linear: one class, one bound
  const COMMENT = SELECTORS.comment.join(',');
  const NOTE = SELECTORS.noteBody.join(',');
  const CARD_OF_LINK = SELECTORS.cardOfLink.join(',');

  function noteIds(el) {
    const ids = new Set();
    for (const a of A.allMatches(el, SELECTORS.noteLink)) {
      const id = (a.getAttribute('href') || '').match(NOTE_ID);
      if (id) ids.add(id[0]);
    }
    return ids;
  }

  // Cards found by their note links, for markups without the note-item class.
  function cardsByLink(root) {
    const cards = [];
    for (const link of A.allMatches(root, SELECTORS.noteLink)) {
      if (!NOTE_ID.test(link.getAttribute('href') || '')) continue;
      if (link.closest(NOTE) || link.closest(COMMENT)) continue; // a link inside a note or comment
      // The nearest repeating item around the link, if it is one card and not the whole feed.
      const card = link.closest(CARD_OF_LINK);
      if (card && !card.matches('body, main') && noteIds(card).size === 1) cards.push(card);
    }
    return cards;
  }

  function cardTitle(card) {
    const titled = A.firstOne(card, SELECTORS.cardText);
    if (titled) return titled;
    // No title class at all: the note link that has words (the other one wraps the cover).
    return A.allMatches(card, SELECTORS.noteLink).find((a) => A.collapse(a.textContent || '')) || null;
  }

  A.register({
    name: 'xiaohongshu',
    selectors: SELECTORS,
    matches: (host) => host === 'xiaohongshu.com' || host.endsWith('.xiaohongshu.com'),
    findPosts(root) {
      const cards = A.outermost(Array.from(new Set([...A.allMatches(root, SELECTORS.feedCard), ...cardsByLink(root)])));
      const body = A.firstMatch(root, SELECTORS.noteBody).slice(0, 1);
      const comments = A.allMatches(root, SELECTORS.comment);
      return [...cards, ...body, ...comments];
    },
    kindOf(post) {
      if (post.matches(COMMENT)) return 'comment';
      if (post.matches(NOTE)) return 'note';
      return 'card';
    },
    textParts(post) {
      const kind = this.kindOf(post);
      if (kind === 'card') return [cardTitle(post)].filter(Boolean);
      if (kind === 'comment') return A.ownMatches(post, SELECTORS.commentText, COMMENT).slice(0, 1);
      // Note: the title and the description, but not the comments below them.
      const title = A.firstOne(post, SELECTORS.noteTitle);
      const desc = A.firstOne(post, SELECTORS.noteDesc);
      return [title, desc].filter((el) => el && !el.closest(COMMENT));
    },
    anchorOf(post) {
      const kind = this.kindOf(post);
      if (kind === 'card') {
        const footer = A.firstOne(post, SELECTORS.cardAnchor);
        if (footer) return footer;
        const title = cardTitle(post);
        return (title && title.parentElement) || post;
      }
      if (kind === 'comment') return A.ownMatches(post, SELECTORS.commentAnchor, COMMENT)[0] || post;
      return post;
    },
  });
})();
