// A run's notifications on the run page, in Debian's Chromium (playwright-core):
//   node e2e/notifications.e2e.mjs <page url> <admin token> <output dir>
// A receiver on loopback takes one webhook and refuses another (400: not worth a retry); the run page lists both
// deliveries, the refused one with the receiver's answer.
import { apiClient, e2eArgs, fail, finished, launch, step } from './browser.mjs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const { base, token, out } = e2eArgs('notifications.e2e.mjs');
const api = apiClient(base, token);
const heard = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    heard.push(`${req.url} ${body}`);
    res.writeHead(req.url === '/refuses' ? 400 : 204, { 'Content-Type': 'application/json' });
    res.end(req.url === '/refuses' ? '{"error":"no such hook"}' : undefined);
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const port = receiver.address().port;
const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
try {
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'told', stages: [{ id: 'build', steps: [{ run: 'exit 2' }] }],
    notify: [{ on: ['failed'], webhook: { url: `http://127.0.0.1:${port}/takes` } },
      { on: ['failed'], webhook: { url: `http://127.0.0.1:${port}/refuses` } }],
  });
  const run = await api('POST', 'pipelines/told/execute', {});
  await finished(api, run.id);
  await page.goto(`${base}#/executions/${encodeURIComponent(run.id)}?token=${encodeURIComponent(token)}`);
  const list = page.getByTestId('notifications');
  await list.filter({ hasText: 'failed: 127.0.0.1 answered 400' }).waitFor()
    .catch(async () => fail('the run page does not show the refused delivery: ' + (await list.count() ? await list.textContent() : 'no list')));
  const text = await list.textContent();
  if (!text.includes('webhook (failed) sent')) fail('the run page does not show the delivered one: ' + text);
  if (!heard.some((h) => h.startsWith('/takes ') && h.includes('"event":"failed"'))) fail('the receiver heard ' + JSON.stringify(heard));
  await page.screenshot({ path: join(out, 'run-notifications.png') });
  step(`the run page lists the run's notifications: ${text.replace(/\s+/g, ' ').trim()}`);
} finally {
  await context.close();
  receiver.close();
}
