// GraphiQL as a person uses it: open the page, run the example query, read the result.
// Usage: node tests/clients/graphiql.mjs http://127.0.0.1:PORT/graphql SCREENSHOT.png [notice]
//        node tests/clients/graphiql.mjs URL SCREENSHOT.png run QUERY UNTIL
// Prints one JSON line: {title, result, consoleErrors, failedRequests, responses}. With `notice`,
// the page's assets are expected not to load: it waits for the page to say so, and `notice` is
// its text. With `run`, QUERY replaces the example in the editor, and the result is read once
// it shows the text UNTIL (a deferred part, say); `responses` are the content types of the
// page's POSTs.
import { chromium } from 'playwright-core';

const [url, screenshot, mode, query, until] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: graphiql.mjs URL SCREENSHOT');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleErrors = [];
  const failedRequests = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  // GraphiQL cancels its fetch of a multipart answer once it has read the last part, before
  // the browser has seen the body end: that is no failure of the server's.
  const cancelled = [];
  page.on('requestfailed', (request) => {
    const cancel = request.url() === url && request.failure()?.errorText === 'net::ERR_ABORTED';
    (cancel ? cancelled : failedRequests).push(request.url());
  });
  const responses = [];
  page.on('response', (response) => {
    if (response.request().method() === 'POST') responses.push(response.headers()['content-type']);
  });
  // Nothing may leave the machine: a request to any other host fails the test.
  await page.route(
    (target) => new URL(target).host !== new URL(url).host,
    (route) => {
      failedRequests.push(route.request().url());
      return route.abort();
    },
  );

  if (mode === 'notice') {
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    const notice = page.locator('#graphiql-assets-failed');
    await notice.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: screenshot, fullPage: true });
    process.stdout.write(
      JSON.stringify({
        title: await page.title(),
        notice: await notice.innerText(),
        consoleErrors,
        failedRequests,
      }) + '\n',
    );
    process.exit(0);
  }

  // GraphiQL's first POST is its introspection query: run the example once the schema is in.
  const introspection = page.waitForResponse(
    (r) => r.url() === url && r.request().method() === 'POST',
    { timeout: 30_000 },
  );
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  const run = page.locator('.graphiql-execute-button');
  await run.waitFor({ state: 'visible', timeout: 30_000 });
  const schema = await introspection;
  if (schema.status() !== 200) throw new Error(`introspection answered ${schema.status()}`);
  if (mode === 'run') {
    await page.evaluate((text) => {
      document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text);
    }, query);
    // GraphiQL reads the operation's name from the editor after a debounce of its own.
    await page.waitForTimeout(500);
  }
  await run.click();
  try {
    await page.waitForFunction(
      (marker) => {
        const editor = document.querySelector('.graphiql-response .CodeMirror');
        const shown =
          editor?.CodeMirror?.getValue() ??
          document.querySelector('.graphiql-response')?.textContent ??
          '';
        return shown.includes(marker);
      },
      mode === 'run' ? until : '"data"',
      { timeout: 30_000 },
    );
  } catch (error) {
    // What the page showed instead, for whoever reads the failure.
    await page.screenshot({ path: screenshot, fullPage: true });
    const shown = await page.evaluate(
      () => document.querySelector('.graphiql-response')?.textContent ?? '(no response pane)',
    );
    throw new Error(`${error.message}; the response pane shows: ${shown.slice(0, 2000)}`);
  }
  const text = await page.evaluate(() => {
    const editor = document.querySelector('.graphiql-response .CodeMirror');
    return editor?.CodeMirror?.getValue() ?? document.querySelector('.graphiql-response').textContent;
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  process.stdout.write(
    JSON.stringify({
      title: await page.title(),
      result: text,
      consoleErrors,
      failedRequests,
      cancelled,
      responses,
    }) + '\n',
  );
} finally {
  await browser.close();
}
