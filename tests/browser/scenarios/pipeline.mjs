// The pipeline panel: a burst of writes shows as an outbox backlog, which
// drains to zero once a relay publishes; the publish-rate chart draws it.
// The scenario's API has its own topics and reads the /metrics of a relay
// the scenario starts itself, after the burst, so the backlog is there to
// be seen whatever the timing.

import { assert, eventually, scenario } from '../support/scenario.mjs';

const metric = (page, key) => page.locator(`.tile[data-metric="${key}"] .value`).textContent();
const number = (text) => Number(String(text).replace(/[^\d.]/g, ''));

scenario('the pipeline panel shows a burst of writes drain to zero', async ({ page, server, shot }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Pipeline' }).click();
  await page.getByRole('heading', { name: 'Pipeline', level: 2 }).waitFor();
  assert.match(page.url(), /[?&]view=pipeline/);
  assert.equal(await page.getByRole('link', { name: 'Pipeline' }).getAttribute('aria-current'), 'page');
  await eventually(async () => (await metric(page, 'backlog')) === '0', { message: 'an empty outbox' });
  // Nothing serves the relay's /metrics yet.
  await page.locator('li[data-process="outbox-relay"][data-up="false"]').waitFor({ timeout: 10000 });

  // The burst: 200 customers through the API, nothing publishing.
  const sent = [];
  for (let i = 0; i < 200; i += 1) {
    sent.push(fetch(`${server.url}/api/customers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Burst ${i}`, phone: `555 ${String(i).padStart(4, '0')}`, email: `burst${i}@example.com` }),
    }).then((response) => assert.equal(response.status, 201)));
    if (sent.length >= 20) await Promise.all(sent.splice(0));
  }
  await Promise.all(sent);
  await eventually(async () => number(await metric(page, 'backlog')) >= 200,
    { timeout: 6000, message: 'the backlog of the burst shown' });
  assert.notEqual(await metric(page, 'oldest'), '—', 'the oldest unpublished row has an age');
  assert.equal(await metric(page, 'leader'), 'none');

  const relay = server.startRelay();
  try {
    await eventually(async () => (await metric(page, 'backlog')) === '0',
      { timeout: 20000, interval: 200, message: 'the backlog drained to zero' });
    assert.match(await metric(page, 'leader'), /^pid \d+/);
    assert.match(await metric(page, 'oldest'), /^(—|0 s)$/);
    await page.locator('li[data-process="outbox-relay"][data-up="true"]').waitFor({ timeout: 12000 });
    // The monitor reads /metrics every 5 s: a point with the burst's rate follows.
    const rates = () => page.locator('#chart-publish-rate circle.point')
      .evaluateAll((dots) => dots.map((dot) => Number(dot.getAttribute('data-value'))));
    await eventually(async () => (await rates()).some((rate) => rate > 0),
      { timeout: 15000, interval: 250, message: 'the publish-rate chart drew the burst' });
    assert.match(await page.locator('#chart-publish-rate').getAttribute('aria-label'),
      /^Publish rate: latest published \d/);
    assert.ok(await page.locator('#chart-latency').count(), 'the latency chart is there');
    await shot('pipeline-panel');
  } finally {
    await relay.stop();
  }
}, { pipeline: true, timeout: 60000 });
