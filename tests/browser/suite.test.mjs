// The browser suite: every scenario file, in one process, so they share one
// Chromium and one pair of customer-api processes (tests/browser/README.md).

import { after } from 'node:test';

import { closeWorld } from './support/scenario.mjs';

after(closeWorld);

await import('./scenarios/crud.mjs');
await import('./scenarios/list.mjs');
await import('./scenarios/form.mjs');
await import('./scenarios/conflict.mjs');
await import('./scenarios/layout.mjs');
await import('./scenarios/keyboard.mjs');
await import('./scenarios/errors.mjs');
