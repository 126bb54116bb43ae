// What goes wrong between the browser and the API: bodies that are not
// JSON, and an API that asks for a bearer token.

import { assert, createThroughForm, eventually, scenario, token } from '../support/scenario.mjs';

const isCustomers = (url) => new URL(url).pathname === '/api/customers';

scenario('an error body that is not JSON is shown as a readable alert in view', async ({ page }) => {
  await page.route(isCustomers, (route) => (route.request().method() === 'GET'
    ? route.fulfill({ status: 502, contentType: 'text/html',
      body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>' })
    : route.fulfill({ status: 503, contentType: 'text/plain', body: 'upstream timed out' })));
  await page.goto('/');
  const alert = page.getByRole('alert').filter({ hasText: 'Could not load the customers' });
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /The server answered 502/);
  assert.match(text, /502 Bad Gateway/);
  assert.doesNotMatch(text, /JSON|Unexpected token|<h1>/);
  const box = await alert.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, 'the alert is in view');

  await createThroughForm(page, { name: 'Nina Proxy', phone: '555 0100', email: 'nina@example.com' });
  const formError = page.locator('#form-error');
  await formError.waitFor();
  assert.match(await formError.textContent(), /^Not saved\. The server answered 503( Service Unavailable)?: upstream timed out\.$/);
  assert.equal(await formError.getAttribute('role'), 'alert');
}, { httpErrors: [502, 503] });

scenario('with bearer-token auth on, the UI asks for a token, keeps it for the tab and sends it',
  async ({ page, api }) => {
    await api.create({ name: 'Tess Token', phone: '555 0100', email: 'tess@example.com' });
    const sent = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) sent.push(request.headers().authorization || '');
    });
    await page.goto('/');
    const dialog = page.getByRole('dialog', { name: 'API token needed' });
    await dialog.waitFor();
    await dialog.getByLabel('Token').fill('wrong-token');
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await dialog.getByText('That token was not accepted').waitFor();
    await dialog.getByLabel('Token').fill(token);
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('link', { name: 'Tess Token' }).waitFor();
    assert.equal(await page.locator('#auth-status').isVisible(), true);

    await createThroughForm(page, { name: 'Nina Newtoken', phone: '555 0101', email: 'nina@example.com' });
    await page.getByRole('link', { name: 'Nina Newtoken' }).waitFor();
    assert.equal((await api.list()).items.length, 2);

    await page.reload();
    await page.getByRole('link', { name: 'Nina Newtoken' }).waitFor();
    assert.equal(await dialog.isVisible(), false, 'no prompt again in the same tab');
    assert.ok(sent.includes(`Bearer ${token}`));
    assert.equal(sent.filter((header) => header === `Bearer ${token}`).length, sent.length - 2,
      'every request after the prompt carries the token');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('customer-outbox.api-token')), token);
  }, { auth: true, httpErrors: [401] });
