// x.com (Twitter): timeline and thread posts, and X Articles (long-form posts).
// Sources (see SITES.md): Control Panel for Twitter (2026-08) and ScamSniffer key on data-testid,
// which survives X's class-name churn: article[data-testid="tweet"], tweetText, User-Name;
// defuddle (2026-07) reads Articles from twitterArticleRichTextView and twitter-article-title.
// Post text is also marked with a lang attribute, the fallback when the test ids change.
(() => {
  const SELECTORS = {
    post: ['article[data-testid="tweet"]', 'article[role="article"]'],
    text: ['[data-testid="tweetText"]'],
    articleTitle: ['[data-testid="twitter-article-title"]'],
    articleBody: ['[data-testid="twitterArticleRichTextView"]'],
    langText: ['div[lang][dir]', 'div[lang]'],
    author: ['[data-testid="User-Name"]'],
  };
  const A = globalThis.WarnlibAdapters;
  const ARTICLE_PARTS = [...SELECTORS.articleTitle, ...SELECTORS.articleBody];
  const POST = SELECTORS.post.join(',');

  // An Article shown on its own (the reader view) is not inside a post: its post is the
  // nearest container that holds both its title and its body.
  function standaloneArticle(body) {
    for (let el = body.parentElement; el && el !== body.ownerDocument.body; el = el.parentElement) {
      if (A.firstOne(el, SELECTORS.articleTitle)) return el;
    }
    return body;
  }

  A.register({
    name: 'x',
    selectors: SELECTORS,
    matches: (host) => ['x.com', 'twitter.com'].some((d) => host === d || host.endsWith('.' + d)),
    findPosts(root) {
      const posts = A.outermost(A.allMatches(root, SELECTORS.post));
      for (const body of A.allMatches(root, SELECTORS.articleBody)) {
        if (!body.closest(POST)) posts.push(standaloneArticle(body));
      }
      return posts;
    },
    textParts(post) {
      // A quote tweet shows two tweetText blocks; an Article has a title and a body: all are
      // what the reader sees. Without test ids, the lang-marked text blocks.
      const parts = A.outermost(A.allMatches(post, [...SELECTORS.text, ...ARTICLE_PARTS]));
      return parts.length ? parts : A.outermost(A.allMatches(post, SELECTORS.langText));
    },
    anchorOf(post) {
      const first = this.textParts(post)[0];
      return (first && first.parentElement) || post;
    },
  });
})();
