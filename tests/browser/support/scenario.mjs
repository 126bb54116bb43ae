// What every browser scenario shares: one headless Chromium (Debian's, driven
// by playwright-core), two customer-api processes (one open, one with bearer
// tokens), a fresh browser context and an empty database per scenario, a
// screenshot at the end of each, and the check that the page logged no
// console error, threw nothing, and got no HTTP error it did not expect.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

import { apiClient } from './api-client.mjs';
import {
  createTopics, deleteTopics, freePort, grantRelayTopics, projectRoot, startApi, startRelay,
} from './stack.mjs';

export const token = 'browser-test-token';
export const screenshotDir = process.env.SCREENSHOT_DIR || path.join(projectRoot, 'var/screenshots');
export const desktop = { width: 1280, height: 860 };
export const phone = { width: 390, height: 844 };

let worldPromise = null;

async function startWorld() {
  const apiBinary = process.env.CUSTOMER_API_BIN;
  const adminBinary = process.env.PIPELINE_ADMIN_BIN;
  if (!apiBinary || !adminBinary) {
    throw new Error('CUSTOMER_API_BIN and PIPELINE_ADMIN_BIN must name the built binaries (tests/browser/run.sh sets them)');
  }
  const webRoot = process.env.WEB_ROOT || path.join(projectRoot, 'web');
  mkdirSync(screenshotDir, { recursive: true });
  const [browser, open, guarded] = await Promise.all([
    chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }),
    startApi({ name: 'open', apiBinary, adminBinary, webRoot }),
    startApi({ name: 'token', apiBinary, adminBinary, webRoot, tokens: `browser:${token}` }),
  ]);
  return { browser, open, guarded };
}

export function world() {
  worldPromise ||= startWorld();
  return worldPromise;
}

// The pipeline panel's API, started only when a scenario asks for it: its
// own Kafka topics (unique names), and --pipeline-metrics pointing at the
// port an outbox-relay of the scenario's own will serve /metrics on
// (startRelay(); nothing publishes until the scenario starts it).
let pipelinePromise = null;

async function startPipeline() {
  const relayBinary = process.env.OUTBOX_RELAY_BIN;
  const adminBinary = process.env.PIPELINE_ADMIN_BIN;
  if (!relayBinary) throw new Error('OUTBOX_RELAY_BIN must name the built outbox-relay (tests/browser/run.sh sets it)');
  const unique = `${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const topics = [`browser-crud-${unique}`, `browser-email-${unique}`];
  const metricsPort = await freePort();
  await createTopics(adminBinary, topics);
  await grantRelayTopics(adminBinary, topics[0], topics[1]);
  const api = await startApi({
    name: 'pipeline',
    apiBinary: process.env.CUSTOMER_API_BIN,
    adminBinary,
    webRoot: process.env.WEB_ROOT || path.join(projectRoot, 'web'),
    extraArgs: ['--crud-topic', topics[0], '--notification-topic', topics[1],
      '--pipeline-metrics', `outbox-relay=http://127.0.0.1:${metricsPort}/metrics`],
  });
  api.startRelay = () => {
    api.relay = startRelay({ relayBinary, databaseUrl: api.relayDatabaseUrl, metricsPort });
    return api.relay;
  };
  // The relay (a producer) and the API go first, then their topics.
  const stopApi = api.stop.bind(api);
  api.stop = async () => {
    if (api.relay) await api.relay.stop();
    await stopApi();
    await deleteTopics(adminBinary, topics);
  };
  return api;
}

export async function closeWorld() {
  const stops = [];
  if (pipelinePromise) stops.push(pipelinePromise.then((api) => api.stop()));
  if (worldPromise) {
    const { browser, open, guarded } = await worldPromise;
    stops.push(browser.close(), open.stop(), guarded.stop());
  }
  await Promise.allSettled(stops);
}

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

// Polls `check` (which returns truthy or throws) until it passes or time is up.
export async function eventually(check, { timeout = 5000, interval = 50, message = '' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const result = await check();
      if (result) return result;
      last = new Error(message || 'condition not met');
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      if (message && last && !last.message.includes(message)) last.message = `${message}: ${last.message}`;
      throw last;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// scenario(name, async ({ page, api, shot, url }) => …, options)
//   viewport        desktop (default) or phone
//   auth            true: the API that asks for a bearer token
//   pipeline        true: the API with its own topics and --pipeline-metrics;
//                   the body gets `server.startRelay()`
//   httpErrors      statuses the scenario provokes on purpose (e.g. [412])
//   networkFailures true when the scenario cuts requests off on purpose
export function scenario(name, body, options = {}) {
  test(name, { timeout: options.timeout ?? 45000 }, async () => {
    const { browser, open, guarded } = await world();
    if (options.pipeline) pipelinePromise ||= startPipeline();
    const server = options.pipeline ? await pipelinePromise : options.auth ? guarded : open;
    await server.reset();
    const context = await browser.newContext({
      viewport: options.viewport || desktop,
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
      baseURL: server.url,
    });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    const problems = [];
    const allowed = new Set(options.httpErrors || []);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      const status = /status of (\d{3})/.exec(text);
      if (status && allowed.has(Number(status[1]))) return;
      if (options.networkFailures && /net::ERR_FAILED/.test(text)) return;
      problems.push(`console error: ${text}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !allowed.has(response.status())) {
        problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
      }
    });
    const shot = (label) => page.screenshot({ path: path.join(screenshotDir, `${slug(label)}.png`) });
    try {
      await body({
        page,
        context,
        api: apiClient(server.url, options.auth ? token : ''),
        shot,
        url: server.url,
        server,
      });
    } finally {
      await shot(name).catch(() => {});
      await context.close();
    }
    assert.deepEqual(problems, [], 'the page logged errors or got unexpected HTTP errors');
  });
}

// Fills the new-customer form and submits it.
export async function createThroughForm(page, { name, phone, email }) {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Phone', { exact: true }).fill(phone);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Create customer' }).click();
}

export { assert };
