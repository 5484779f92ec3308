// reddit.com: new Reddit ("shreddit" web components), the 2019-2023 React redesign and
// old.reddit.com (also what www serves to accounts that keep the old layout). The adapter keys on
// the markup, not the host, because all three can be served on one host.
// Sources (see SITES.md): reddit-filter (2026-11: shreddit-post and its slots); defuddle (2026-07:
// shreddit-comment [slot="comment"], old.reddit .thing.link, a.title, .usertext-body .md,
// .thing.comment); saved 2019 redesign pages (post-container, the post page's title is an h1).
(() => {
  const SELECTORS = {
    // shreddit renders light-DOM children through named slots: read and anchor in slotted children.
    shredditPost: ['shreddit-post'],
    shredditTitle: ['[slot="title"]', 'a[id^="post-title"]'],
    shredditBody: ['[slot="text-body"]', '[property="schema:articleBody"]'],
    shredditComment: ['shreddit-comment'],
    shredditCommentBody: [':scope > [slot="comment"]'],
    // 2019-2023 React redesign: h3 titles in feeds, an h1 on the post's own page.
    reactPost: ['[data-testid="post-container"]'],
    reactTitle: ['h1', 'h2', 'h3'],
    reactBody: ['[data-click-id="text"]', '[data-test-id="post-content"] .RichTextJSON-root', '.RichTextJSON-root'],
    reactComment: ['[data-testid="comment"]'],
    // old.reddit.com: every post and comment is a .thing; a comment's replies nest inside it.
    oldPost: ['.thing.link', '.thing[data-type="link"]'],
    oldTitle: ['a.title'],
    oldBody: ['.expando .usertext-body .md', '.usertext-body .md'],
    oldComment: ['.thing.comment', '.thing[data-type="comment"]'],
    oldCommentBody: [':scope > .entry .usertext-body .md'],
  };
  const A = globalThis.WarnlibAdapters;
  const KINDS = [
    ['shredditPost', SELECTORS.shredditPost],
    ['shredditComment', SELECTORS.shredditComment],
    ['oldPost', SELECTORS.oldPost],
    ['oldComment', SELECTORS.oldComment],
    ['reactPost', SELECTORS.reactPost],
    ['reactComment', SELECTORS.reactComment],
  ];
  const ANY_POST = KINDS.flatMap(([, list]) => list).join(',');

  function kindOf(post) {
    return (KINDS.find(([, list]) => post.matches(list.join(','))) || ['unknown'])[0];
  }

  A.register({
    name: 'reddit',
    selectors: SELECTORS,
    matches: (host) => host === 'reddit.com' || host.endsWith('.reddit.com'),
    findPosts(root) {
      // Comments nest inside comments: each is its own post (its text excludes its replies).
      return A.allMatches(root, KINDS.flatMap(([, list]) => list));
    },
    kindOf,
    textParts(post) {
      switch (kindOf(post)) {
        case 'shredditPost':
          return [A.firstOne(post, SELECTORS.shredditTitle), A.firstOne(post, SELECTORS.shredditBody)].filter(Boolean);
        case 'shredditComment':
          return [A.firstOne(post, SELECTORS.shredditCommentBody)].filter(Boolean);
        case 'oldPost':
          return [A.firstOne(post, SELECTORS.oldTitle), A.firstOne(post, SELECTORS.oldBody)].filter(Boolean);
        case 'oldComment':
          return [A.firstOne(post, SELECTORS.oldCommentBody)].filter(Boolean);
        case 'reactPost':
          return [A.firstOne(post, SELECTORS.reactTitle), A.firstOne(post, SELECTORS.reactBody)].filter(Boolean);
        case 'reactComment':
          return A.ownMatches(post, ['p'], ANY_POST).slice(0, 50);
        default:
          return [];
      }
    },
    textOf(post) {
      const parts = this.textParts(post).map((el) => A.collapse(el.textContent || '')).filter(Boolean);
      // A shreddit post whose title element is missing still carries its title as an attribute.
      if (kindOf(post) === 'shredditPost' && !A.firstOne(post, SELECTORS.shredditTitle)) {
        const title = A.collapse(post.getAttribute('post-title') || '');
        if (title) parts.unshift(title);
      }
      return parts.join('\n');
    },
    // A comment is masked inside its own entry: its replies are other people's words.
    maskRootOf(post) {
      const kind = kindOf(post);
      if (kind === 'shredditComment' || kind === 'oldComment') return this.anchorOf(post);
      return post;
    },
    anchorOf(post) {
      switch (kindOf(post)) {
        case 'shredditPost':
          return A.firstOne(post, SELECTORS.shredditBody) || A.firstOne(post, SELECTORS.shredditTitle) || post;
        case 'shredditComment':
          return A.firstOne(post, SELECTORS.shredditCommentBody) || post;
        case 'oldPost':
        case 'oldComment':
          return post.querySelector(':scope > .entry') || post;
        case 'reactPost': {
          const title = A.firstOne(post, SELECTORS.reactTitle);
          return (title && title.parentElement) || post;
        }
        default:
          return post;
      }
    },
  });
})();
