// The documentation pages' language: English or Chinese, one HTML file with
// both. Every text block is written twice, as <… lang="en"> and
// <… lang="zh">; the CSS (article.css) shows the blocks of the language in
// <html data-show>. Loaded in <head> (a classic script, not a module) so that
// the first paint is already in the right language, and so that the
// <raft-playground> elements get their `lang` before the module loader
// (deferred, run after parsing) mounts them: call `RaftDocsLang.start()` from
// an inline script at the end of <body>.
//
// The language comes from `?lang=en|zh` (zh-CN, zh-TW… count as zh), else
// from the browser's navigator.languages. The page's switch changes it in
// place, writes it into the address (history.replaceState, so a copied link
// keeps it), into every <raft-playground lang> and into the links that carry
// it (a[data-keep-lang]).
(function () {
  'use strict';

  const norm = (v) => (v && /^zh\b/i.test(v) ? 'zh' : v && /^en\b/i.test(v) ? 'en' : null);

  function fromAddress() {
    return norm(new URLSearchParams(location.search).get('lang'));
  }

  function fromBrowser() {
    const langs = navigator.languages && navigator.languages.length
      ? navigator.languages
      : [navigator.language || 'en'];
    for (const l of langs) {
      const n = norm(l);
      if (n) return n;
    }
    return 'en';
  }

  let current = fromAddress() || fromBrowser();
  const root = document.documentElement;

  // Only what can be done before <body> exists: the CSS does the hiding.
  function applyToRoot() {
    root.dataset.show = current;
    root.lang = current === 'zh' ? 'zh-CN' : 'en';
  }
  applyToRoot();

  function applyToBody() {
    const title = root.dataset['title' + (current === 'zh' ? 'Zh' : 'En')];
    if (title) document.title = title;
    for (const el of document.querySelectorAll('raft-playground')) {
      if (el.getAttribute('lang') !== current) el.setAttribute('lang', current);
    }
    for (const b of document.querySelectorAll('[data-set-lang]')) {
      b.setAttribute('aria-pressed', String(b.dataset.setLang === current));
    }
    for (const a of document.querySelectorAll('a[data-keep-lang]')) {
      const u = new URL(a.getAttribute('href'), location.href);
      u.searchParams.set('lang', current);
      // Keep the link relative: the site may live under any sub-path.
      const rel = a.getAttribute('href').split('?')[0].split('#')[0];
      a.setAttribute('href', rel + u.search + u.hash);
    }
  }

  function set(lang) {
    const n = norm(lang);
    if (!n) return;
    current = n;
    applyToRoot();
    applyToBody();
    const u = new URL(location.href);
    u.searchParams.set('lang', current);
    history.replaceState(history.state, '', u);
    document.dispatchEvent(new CustomEvent('docs-lang', { detail: { lang: current } }));
  }

  function start() {
    applyToBody();
    for (const b of document.querySelectorAll('[data-set-lang]')) {
      b.addEventListener('click', () => set(b.dataset.setLang));
    }
  }

  window.RaftDocsLang = { start, set, get: () => current };
})();
