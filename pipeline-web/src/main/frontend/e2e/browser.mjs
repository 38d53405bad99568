// What the e2e scripts share: Debian's Chromium through playwright-core (never a downloaded browser) in a fresh profile,
// and a client of the server's API.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
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

/** Calls the API under `base` (the page's address) with the bearer token; a refusal throws with its body. */
export function apiClient(base, token) {
  return async (method, path, body) => {
    const r = await fetch(new URL('api/v1/' + path, base), {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
}
