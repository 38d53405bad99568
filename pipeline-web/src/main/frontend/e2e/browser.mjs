// What the e2e scripts share: Debian's Chromium through playwright-core (never a downloaded browser) in a fresh profile,
// and a client of the server's API.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A headless Chromium with a profile of its own; `options` are playwright's (a viewport of 1440×900 unless given). */
export function launch(options = {}) {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pk-chromium-')), {
    executablePath: process.env.PIPELINEKIT_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1440, height: 900 },
    ...options,
  });
}

/**
 * Calls the API under `base` (the page's address) with the bearer token; a refusal throws with its body. `events(id)` reads
 * an execution's event stream to its end (it ends with the execution) and returns its text.
 */
export function apiClient(base, token) {
  const api = async (method, path, body) => {
    const r = await fetch(new URL('api/v1/' + path, base), {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
  api.events = async (id) => {
    const r = await fetch(new URL(`api/v1/executions/${encodeURIComponent(id)}/events`, base),
      { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });
    if (!r.ok) throw new Error(`events of ${id}: ${r.status} ${await r.text()}`);
    return r.text();
  };
  return api;
}

/**
 * The arguments every script takes — `<page url> <token> <output dir>`, then `more` named ones — or the usage and
 * exit 2; the page url ends with a slash and the output directory exists.
 */
export function e2eArgs(script, more = []) {
  const args = process.argv.slice(2);
  const [page, token, out, ...rest] = args;
  if (!page || !token || !out || rest.length < more.length) {
    console.error(`usage: node e2e/${script} <page url, e.g. http://127.0.0.1:8080/ci/> <token> <output dir>${more.map((m) => ` <${m}>`).join('')}`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  return { base: page.endsWith('/') ? page : page + '/', token, out, rest };
}

/** Prints what a script saw (`e2e: …`, the lines its Java test looks for) and throws what it did not. */
export const step = (name) => console.log(`e2e: ${name}`);
export const fail = (message) => { throw new Error(message); };

/**
 * Waits for an execution to end — the server closes its event stream after ExecutionFinished — and returns its last
 * state (the page is not open yet).
 */
export async function finished(api, id) {
  await api.events(id);
  return api('GET', `executions/${encodeURIComponent(id)}`);
}
