// The browser suite: every scenario file, in one process, so they share one
// Chromium and one pair of customer-api processes (tests/browser/README.md).
// Static imports: every scenario is registered before the first one runs, and
// the hook that stops the browser and the APIs runs after the last.

import { after } from 'node:test';

import './scenarios/crud.mjs';
import './scenarios/list.mjs';
import './scenarios/form.mjs';
import './scenarios/conflict.mjs';
import './scenarios/layout.mjs';
import './scenarios/keyboard.mjs';
import './scenarios/errors.mjs';
import './scenarios/history.mjs';
import './scenarios/pipeline.mjs';
import { closeWorld } from './support/scenario.mjs';

after(closeWorld);
