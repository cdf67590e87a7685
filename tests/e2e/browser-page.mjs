// What every browser end-to-end test does with its page: collect what counts as a problem
// (console errors/warnings, page errors, failed requests, HTTP errors) and load a test page that
// says it is ready with <body data-status="ready">. Launching is scripts/chromium.mjs's job,
// serving scripts/serve.mjs's.

/**
 * Starts collecting the page's problems into `problems` (a new array unless given: several pages
 * can share one), and returns it; empty it between tests with `problems.splice(0)`.
 * `ignoreRequestFailure(request, errorText)` may excuse a failed request.
 */
export function watchProblems(page, { problems = [], ignoreRequestFailure = () => false } = {}) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const errorText = req.failure()?.errorText;
    if (!ignoreRequestFailure(req, errorText)) problems.push(`request failed: ${req.url()} ${errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return problems;
}

/** Loads `url` and waits for <body data-status="ready">; on a timeout, says what went wrong. */
export async function gotoReady(page, url, problems = []) {
  await page.goto(url, { waitUntil: 'load' });
  try {
    await page.waitForSelector('body[data-status="ready"]', { state: 'attached', timeout: 20_000 });
  } catch (err) {
    throw new Error(`the page ${url} never became ready (${err.message})\n${problems.join('\n')}`);
  }
}
