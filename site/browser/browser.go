// Package browser holds the site's browser tests: they build the notebook
// and a fixture notebook, serve them on loopback with the handler notebook
// serve uses and the rules of netlify.toml, and drive headless Chromium
// through chromedp. TestLinks checks the links of both sites, and
// TestServedAsProduction the headers of a page and of the interpreter;
// they need no browser.
//
// The tests look for Chromium as $CHROMIUM, then chromium, chromium-browser,
// google-chrome and google-chrome-stable on $PATH. Without it they skip,
// saying so, unless $CI is set, when they fail: CI must run them.
// Screenshots go to $NOTEBOOK_ARTIFACTS, or site/testdata/artifacts.
package browser
