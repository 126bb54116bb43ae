// The everyday flows: create, edit, delete, search, paging, details.

import { assert, createThroughForm, eventually, scenario } from '../support/scenario.mjs';

const rowCount = (page) => page.locator('#customers tbody tr').count();
const summary = (page) => page.locator('#list-summary').textContent();

scenario('create, edit, delete, search and page through customers', async ({ page, api }) => {
  await page.goto('/');
  await page.getByText('No customers yet.').waitFor();

  await createThroughForm(page, { name: 'Ada Lovelace', phone: '+44 20 7946 0000', email: 'ada@example.com' });
  await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
  await page.locator('#toasts').getByText('Created Ada Lovelace').waitFor();
  assert.equal((await api.list()).items.length, 1);

  await page.getByRole('button', { name: 'Edit Ada Lovelace' }).click();
  await page.getByLabel('Phone', { exact: true }).fill('+44 20 0000 0000');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#customers td.col-phone', { hasText: '+44 20 0000 0000' }).waitFor();
  assert.equal((await api.get(1)).phone, '+44 20 0000 0000');
  assert.equal((await api.get(1)).version, 2);

  await api.seed(24);
  await page.reload();
  await eventually(async () => (await summary(page)) === 'Showing 1–20 of 25 customers',
    { message: 'summary of page 1' });
  assert.equal(await rowCount(page), 20);
  await page.getByRole('button', { name: 'Next →' }).click();
  await eventually(async () => (await summary(page)) === 'Showing 21–25 of 25 customers',
    { message: 'summary of page 2' });
  assert.equal(await rowCount(page), 5);
  assert.match(page.url(), /[?&]page=2/);
  assert.equal(await page.locator('#page-label').textContent(), 'Page 2');
  await page.getByRole('button', { name: '← Previous' }).click();
  await eventually(async () => (await rowCount(page)) === 20 && !/page=/.test(page.url()),
    { message: 'back on page 1' });

  await page.getByLabel('Search', { exact: true }).fill('Customer 07');
  await eventually(async () => (await rowCount(page)) === 1, { message: 'one search result' });
  assert.match(page.url(), /[?&]q=Customer(\+|%20)07/);
  await page.getByRole('button', { name: 'Delete Customer 07' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete Customer 07?' });
  await dialog.getByRole('button', { name: 'Delete customer' }).click();
  await page.getByText('No customer matches “Customer 07”.').waitFor();
  assert.equal((await api.list()).items.length, 24);
});

scenario('each customer has a details view that can be bookmarked', async ({ page, api }) => {
  const [grace] = [await api.create({ name: 'Grace Hopper', phone: '+1 202 555 0143', email: 'grace@navy.example' })];
  await api.patch(grace.id, { phone: '+1 202 555 0199' });
  await page.goto('/');
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.getByRole('heading', { name: 'Grace Hopper', level: 2 }).waitFor();
  assert.match(page.url(), new RegExp(`[?&]customer=${grace.id}\\b`));
  const field = (name) => page.locator(`#details-body dd[data-field="${name}"]`).textContent();
  assert.equal(await field('phone'), '+1 202 555 0199');
  assert.equal(await field('email'), 'grace@navy.example');
  assert.equal(await field('version'), '2');
  assert.match(await field('created'), /ago|now/);
  assert.doesNotMatch(await field('created'), /\d{4}-\d{2}-\d{2}T/);

  await page.reload();
  await page.getByRole('heading', { name: 'Grace Hopper', level: 2 }).waitFor();
  await page.getByRole('link', { name: '← All customers' }).click();
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  assert.doesNotMatch(page.url(), /customer=/);
  await page.goBack();
  await page.getByRole('heading', { name: 'Grace Hopper', level: 2 }).waitFor();
});

scenario('delete asks for confirmation first, and Undo brings the customer back', async ({ page, api }) => {
  await api.create({ name: 'Ada Lovelace', phone: '+44 20 7946 0000', email: 'ada@example.com' });
  await api.create({ name: 'Alan Turing', phone: '+44 161 496 0000', email: 'alan@example.com' });
  await page.goto('/');
  const remove = page.getByRole('button', { name: 'Delete Ada Lovelace' });
  const dialog = page.getByRole('dialog', { name: 'Delete Ada Lovelace?' });

  await remove.click();
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Delete Ada Lovelace');
  await remove.click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await api.list()).items.length, 2, 'Escape and Cancel delete nothing');

  await remove.click();
  await dialog.getByRole('button', { name: 'Delete customer' }).click();
  await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor({ state: 'detached' });
  const toast = page.locator('#toasts .toast', { hasText: 'Deleted Ada Lovelace.' });
  await toast.waitFor();
  await page.locator('#list-summary', { hasText: 'Showing 1–1 of 1 customer' }).waitFor();
  await page.waitForTimeout(1500);
  assert.equal(await toast.isVisible(), true, 'the message stays after the list reloads');
  assert.equal((await api.list()).items.length, 1);

  await toast.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
  await page.locator('#toasts', { hasText: 'Restored Ada Lovelace as customer 3.' }).waitFor();
  const restored = await api.get(3);
  assert.deepEqual([restored.name, restored.phone, restored.email],
    ['Ada Lovelace', '+44 20 7946 0000', 'ada@example.com']);
});
