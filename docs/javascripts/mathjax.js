// MathJax 3's settings, read before assets/mathjax/tex-svg-full.js loads (served from this site).
// Only formulas are typeset: pymdownx.arithmatex's spans and blocks (the Markdown pages and the API
// reference) and the notebooks' Markdown cells, whose `$...$` nbconvert leaves as written; code,
// outputs and the rest of the page are left alone.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  svg: { fontCache: "global" },
  options: { enableMenu: false },
  startup: {
    elements: [".arithmatex", ".jp-RenderedMarkdown"],
    pageReady: () =>
      MathJax.startup.defaultPageReady().then(() => {
        document.documentElement.dataset.mathTypeset = "true";
      }),
  },
};
