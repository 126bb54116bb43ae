// The form: field errors from the API, the name's length, double clicks.

import { assert, eventually, scenario } from '../support/scenario.mjs';

const field = (page, label) => page.getByLabel(label, { exact: true });

// The text of the elements an input's aria-describedby names.
function description(page, id) {
  return page.evaluate((inputId) => {
    const input = document.getElementById(inputId);
    return (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
      .map((ref) => document.getElementById(ref)?.textContent || '').join(' | ');
  }, id);
}

scenario('server validation errors appear at their fields, marked invalid, and clear on the next try',
  async ({ page, api }) => {
    await page.goto('/');
    await field(page, 'Name').fill('Bad Input');
    await field(page, 'Phone').fill('call me maybe');
    await field(page, 'E-mail').fill('not-an-address');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await eventually(async () => (await field(page, 'Phone').getAttribute('aria-invalid')) === 'true',
      { message: 'phone marked invalid' });
    assert.equal(await field(page, 'E-mail').getAttribute('aria-invalid'), 'true');
    assert.equal(await field(page, 'Name').getAttribute('aria-invalid'), null);
    assert.match(await description(page, 'phone'), /Phone may contain only digits/);
    assert.match(await description(page, 'email'), /E-mail must be an e-mail address/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'phone');
    await page.locator('#form-error', { hasText: 'Please correct the marked fields.' }).waitFor();

    await field(page, 'Phone').fill('+1 555 0100 22');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await eventually(async () => (await field(page, 'E-mail').getAttribute('aria-invalid')) === 'true'
      && (await field(page, 'Phone').getAttribute('aria-invalid')) === null,
    { message: 'only the e-mail still invalid' });
    assert.doesNotMatch(await description(page, 'phone'), /may contain only digits/);
    assert.equal(await page.locator('#phone-error').isVisible(), false);

    await field(page, 'E-mail').fill('bad.input@example.com');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('link', { name: 'Bad Input' }).waitFor();
    assert.equal(await page.locator('#form-error').isVisible(), false);
    assert.equal(await field(page, 'E-mail').getAttribute('aria-invalid'), null);
    assert.equal((await api.list()).items.length, 1);
  }, { httpErrors: [400] });

scenario('the name shows its length and is never cut; a long unbroken name wraps', async ({ page, api }) => {
  await page.goto('/');
  const posts = [];
  page.on('request', (request) => request.method() === 'POST' && posts.push(request.url()));
  await field(page, 'Name').fill('N'.repeat(405));
  assert.equal((await field(page, 'Name').inputValue()).length, 405);
  assert.equal(await page.locator('#name-counter').textContent(), '405 / 400 characters: 5 too many');
  assert.equal(await field(page, 'Name').getAttribute('aria-invalid'), 'true');
  await field(page, 'Phone').fill('555 0100');
  await field(page, 'E-mail').fill('long@example.com');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await page.locator('#name-error', { hasText: 'Name must be at most 400 characters' }).waitFor();
  assert.match(await description(page, 'name'), /at most 400 characters/);
  assert.deepEqual(posts, []);
  await field(page, 'Name').press('Backspace');
  assert.equal(await page.locator('#name-counter').textContent(), '404 / 400 characters: 4 too many');

  const long = `${'W'.repeat(390)}-end`;
  await api.create({ name: long, phone: '555 0100', email: 'long@example.com' });
  await page.reload();
  await page.getByRole('link', { name: long }).waitFor();
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - window.innerWidth,
    table: document.querySelector('#customers').getBoundingClientRect().right - window.innerWidth,
  }));
  assert.ok(overflow.page <= 0, `the page scrolls sideways by ${overflow.page}px`);
  assert.ok(overflow.table <= 0, `the table sticks out by ${overflow.table}px`);
});

scenario('a double click on Create makes one customer: the button waits, retries reuse the key',
  async ({ page, api }) => {
    await page.goto('/');
    await page.getByText('No customers yet.').waitFor();
    const keys = [];
    let cutOff = true;
    await page.route('**/api/customers', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push(request.headers()['idempotency-key']);
      if (request.postDataJSON().name === 'Retry Ray' && cutOff) {
        cutOff = false;
        return route.abort('failed');  // the network drops the first try
      }
      await new Promise((resolve) => setTimeout(resolve, 400));  // a slow server
      return route.continue();
    });
    await field(page, 'Name').fill('Double Dora');
    await field(page, 'Phone').fill('555 0100');
    await field(page, 'E-mail').fill('dora@example.com');
    await page.getByRole('button', { name: 'Create customer' }).dblclick();
    assert.equal(await page.locator('#save').isDisabled(), true, 'the button waits while saving');
    await page.getByRole('link', { name: 'Double Dora' }).waitFor();
    assert.equal(await page.locator('#save').isDisabled(), false);
    assert.equal((await api.list()).items.length, 1);
    assert.ok(keys.length >= 1 && keys.every((key) => key === keys[0]), `keys ${keys}`);

    keys.length = 0;
    await field(page, 'Name').fill('Retry Ray');
    await field(page, 'Phone').fill('555 0101');
    await field(page, 'E-mail').fill('ray@example.com');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.locator('#form-error', { hasText: 'could not be reached' }).waitFor();
    assert.equal(await field(page, 'Name').inputValue(), 'Retry Ray');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('link', { name: 'Retry Ray' }).waitFor();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the retry sends the same Idempotency-Key');
    assert.equal((await api.list()).items.length, 2);
  }, { networkFailures: true });
