// The list: sort, total, readable times, URL state, empty states, phone
// search, staying on the page after an edit, refreshing by itself.

import { assert, eventually, scenario } from '../support/scenario.mjs';

const names = (page) => page.locator('#customers tbody td.col-name').allTextContents();
const rowCount = (page) => page.locator('#customers tbody tr').count();

const people = [
  ['Grace Hopper', '+1 202 555 0143', 'grace@navy.example'],
  ['alan turing', '+44 161 496 0000', 'alan@bletchley.example'],
  ['Katherine Johnson', '+1 757 555 0101', 'katherine@nasa.example'],
  ['Ada Lovelace', '+44 20 7946 0000', 'ada@analytical.example'],
  ['Edsger W. Dijkstra', '+31 40 247 9111', 'ewd@tue.example'],
  ['Barbara Liskov', '+1 617 555 0199', 'liskov@mit.example'],
  ['Donald Knuth', '+1 650 555 0110', 'knuth@stanford.example'],
  ['Margaret Hamilton', '+1 617 555 0123', 'margaret@apollo.example'],
];

async function seedPeople(api) {
  const created = [];
  for (const [name, phone, email] of people) created.push(await api.create({ name, phone, email }));
  return created;
}

scenario('the list sorts by name, shows the total and readable local times', async ({ page, api, shot }) => {
  const created = await seedPeople(api);
  await page.goto('/');
  await page.locator('#list-summary', { hasText: 'of 8 customers' }).waitFor();
  assert.equal(await page.locator('#list-summary').textContent(), 'Showing 1–8 of 8 customers');
  await shot('customer-list');

  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await eventually(async () => (await names(page))[0] === 'Ada Lovelace', { message: 'A–Z first row' });
  assert.deepEqual(await names(page), [...people.map((p) => p[0])]
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  assert.match(page.url(), /[?&]sort=name\b/);
  assert.equal(await page.locator('th.col-name').getAttribute('aria-sort'), 'ascending');
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await eventually(async () => (await names(page))[0] === 'Margaret Hamilton', { message: 'Z–A first row' });
  assert.equal(await page.locator('th.col-name').getAttribute('aria-sort'), 'descending');
  assert.match(page.url(), /[?&]sort=name_desc\b/);

  // Readable local times: the browser's zone and language, the exact instant in datetime.
  const ada = created.find((c) => c.name === 'Ada Lovelace');
  const time = page.locator(`#customers tr[data-id="${ada.id}"] td.col-updated time`);
  assert.equal(await time.getAttribute('datetime'), ada.updated_on);
  const expected = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin',
  }).format(new Date(ada.updated_on.replace(/(\.\d{3})\d+/, '$1')));
  assert.equal(await time.textContent(), expected);
  assert.doesNotMatch(await page.locator('#customers tbody').textContent(), /\d{4}-\d{2}-\d{2}T\d/);
});

scenario('search, sort and page live in the URL, so a reload shows the same view', async ({ page, api }) => {
  await api.seed(25);
  await page.goto('/');
  await page.getByLabel('Sort by').selectOption('oldest');
  await eventually(async () => (await names(page))[0] === 'Customer 01', { message: 'oldest first' });
  await page.getByRole('button', { name: 'Next →' }).click();
  await eventually(async () => (await names(page))[0] === 'Customer 21', { message: 'page 2' });
  assert.match(page.url(), /sort=oldest.*page=2|page=2.*sort=oldest/);
  await page.reload();
  await eventually(async () => (await names(page))[0] === 'Customer 21', { message: 'page 2 after reload' });
  assert.equal(await page.getByLabel('Sort by').inputValue(), 'oldest');
  assert.equal(await page.locator('#page-label').textContent(), 'Page 2');

  await page.getByLabel('Search', { exact: true }).fill('customer 1');
  await eventually(async () => (await rowCount(page)) === 10, { message: 'ten matches' });
  assert.match(page.url(), /[?&]q=customer(\+|%20)1/);
  const bookmark = page.url();
  await page.goto('about:blank');
  await page.goto(bookmark);
  await eventually(async () => (await rowCount(page)) === 10, { message: 'bookmark shows the search' });
  assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), 'customer 1');
  assert.equal((await names(page))[0], 'Customer 10');
  // Back past the blank page and the search: the page before the search.
  await page.goBack();
  await page.goBack();
  await page.goBack();
  await eventually(async () => (await names(page))[0] === 'Customer 21', { message: 'history back' });
  assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), '');
});

scenario('an empty list says so, and a search without matches offers to clear it', async ({ page, api }) => {
  await page.goto('/');
  await page.getByText('No customers yet.').waitFor();
  assert.equal(await page.locator('#customers').isVisible(), false);
  await api.seed(3);
  await page.goto('/?q=zebra');
  await page.getByText('No customer matches “zebra”.').waitFor();
  await page.getByRole('button', { name: 'Clear the search' }).click();
  await eventually(async () => (await rowCount(page)) === 3, { message: 'all rows back' });
  assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), '');
});

scenario('phones are searchable by their digits, whatever their punctuation', async ({ page, api }) => {
  await seedPeople(api);
  await page.goto('/');
  await page.getByLabel('Search', { exact: true }).fill('20 7946');
  await eventually(async () => JSON.stringify(await names(page)) === '["Ada Lovelace"]',
    { message: 'Ada found by phone' });
  await page.getByLabel('Search', { exact: true }).fill('(617) 555');
  await eventually(async () => (await rowCount(page)) === 2, { message: 'two 617 555 phones' });
});

scenario('after an edit the list stays on its page', async ({ page, api }) => {
  await api.seed(25);
  await page.goto('/');
  await page.getByRole('button', { name: 'Next →' }).click();
  await eventually(async () => (await names(page))[0] === 'Customer 05', { message: 'page 2' });
  await page.getByRole('button', { name: 'Edit Customer 03' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Customer 03 (renamed)');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('link', { name: 'Customer 03 (renamed)' }).waitFor();
  assert.equal(await page.locator('#page-label').textContent(), 'Page 2');
  assert.match(page.url(), /[?&]page=2/);
  assert.equal(await rowCount(page), 5);
});

scenario('the list refreshes by itself without disturbing an edit or the scroll position',
  async ({ page, api }) => {
    await api.seed(19);
    await page.goto('/');
    const edit = page.getByRole('button', { name: 'Edit Customer 01' });
    await edit.scrollIntoViewIfNeeded();
    await edit.click();
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 0, 'the last row is below the fold');
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('Half-typed new na');
    await api.create({ name: 'Fresh Face', phone: '555 0199', email: 'fresh@example.com' });
    await page.getByRole('link', { name: 'Fresh Face' }).waitFor({ timeout: 9000 });
    assert.equal(await name.inputValue(), 'Half-typed new na');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'name');
    assert.equal(await page.locator('#form-title').textContent(), 'Edit Customer 01');
    assert.equal(await page.locator('#list-summary').textContent(), 'Showing 1–20 of 20 customers');
    // Not thrown back to the top; the row being edited is still in view.
    assert.ok(await page.evaluate(() => window.scrollY) >= scrolled);
    const box = await edit.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= page.viewportSize().height, 'the edited row is in view');
  });

scenario('a bookmarked deep page pages back one page at a time', async ({ page, api, context }) => {
  await api.seed(45);
  await page.goto('/');
  for (const first of ['Customer 25', 'Customer 05']) {
    await page.getByRole('button', { name: 'Next →' }).click();
    await eventually(async () => (await names(page))[0] === first, { message: `page with ${first}` });
  }
  const bookmark = page.url();
  assert.match(bookmark, /[?&]page=3/);

  // A new tab knows nothing of the pages walked before: only the URL.
  const tab = await context.newPage();
  await tab.goto(bookmark);
  await eventually(async () => (await names(tab))[0] === 'Customer 05', { message: 'bookmark opens page 3' });
  await tab.getByRole('button', { name: '← Previous' }).click();
  await eventually(async () => (await names(tab))[0] === 'Customer 25', { message: 'back on page 2' });
  assert.equal(await tab.locator('#page-label').textContent(), 'Page 2');
  assert.match(tab.url(), /[?&]page=2.*before=|before=.*page=2/);
  assert.equal(await rowCount(tab), 20);
  await tab.reload();  // the page read backwards is itself a bookmark
  await eventually(async () => (await names(tab))[0] === 'Customer 25', { message: 'page 2 reloaded' });
  await tab.getByRole('button', { name: '← Previous' }).click();
  await eventually(async () => (await names(tab))[0] === 'Customer 45' && !/page=/.test(tab.url()),
    { message: 'back on page 1' });
  await tab.close();
});
