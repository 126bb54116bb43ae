// Keyboard use and names for assistive technology.

import { assert, eventually, scenario } from '../support/scenario.mjs';

const focusedId = (page) => page.evaluate(() => document.activeElement?.id || '');
const focusedLabel = (page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') || '');

// Presses Tab until `predicate` holds for the focused element (at most `limit` times).
async function tabTo(page, predicate, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    if (await predicate()) return;
    await page.keyboard.press('Tab');
  }
  assert.fail('Tab never reached the element');
}

scenario('keyboard only: create a customer, then edit it', async ({ page, api }) => {
  await page.goto('/');
  await page.getByText('No customers yet.').waitFor();
  await tabTo(page, async () => (await focusedId(page)) === 'name');
  await page.keyboard.type('Kay Board');
  await page.keyboard.press('Tab');
  await page.keyboard.type('+49 30 901820');
  await page.keyboard.press('Tab');
  await page.keyboard.type('kay@example.com');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Kay Board' }).waitFor();
  assert.equal((await api.get(1)).email, 'kay@example.com');

  await tabTo(page, async () => (await focusedLabel(page)) === 'Edit Kay Board');
  await page.keyboard.press('Enter');
  assert.equal(await focusedId(page), 'name');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Kay Keys');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Kay Keys' }).waitFor();
  assert.equal((await api.get(1)).name, 'Kay Keys');
  await eventually(async () => (await focusedLabel(page)) === 'Edit Kay Keys',
    { message: 'focus back on the row' });
});

scenario('Edit moves focus to the form, Escape cancels, row buttons are named, the favicon exists',
  async ({ page, api }) => {
    await api.create({ name: 'Alice Smith', phone: '555 0100', email: 'alice@example.com' });
    await api.create({ name: 'Bob Jones', phone: '555 0101', email: 'bob@example.com' });
    await page.goto('/');
    await page.getByRole('link', { name: 'Bob Jones' }).waitFor();
    for (const name of ['Edit Alice Smith', 'Delete Alice Smith', 'Edit Bob Jones', 'Delete Bob Jones']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
    }
    await page.getByRole('button', { name: 'Edit Alice Smith' }).click();
    assert.equal(await focusedId(page), 'name');
    assert.equal(await page.locator('#form-title').textContent(), 'Edit Alice Smith');
    await page.keyboard.type(' (typo)');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#form-title').textContent(), 'New customer');
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), '');
    assert.equal(await focusedLabel(page), 'Edit Alice Smith');
    // The typed change is one Undo away.
    await page.locator('#toasts').getByRole('button', { name: 'Undo' }).click();
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Alice Smith (typo)');
    assert.equal(await page.locator('#form-title').textContent(), 'Edit Alice Smith');

    const icon = await page.evaluate(async () => {
      const link = document.querySelector('link[rel~="icon"]');
      if (!link) return null;
      const response = await fetch(link.href);
      return { status: response.status, type: response.headers.get('content-type') };
    });
    assert.deepEqual(icon, { status: 200, type: 'image/svg+xml' });
  });
