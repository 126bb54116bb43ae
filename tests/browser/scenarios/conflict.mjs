// Two people edit one customer: the second save sees the first one's change.

import { assert, eventually, scenario } from '../support/scenario.mjs';

const field = (page, label) => page.getByLabel(label, { exact: true });
const diffCell = (page, name, side) => page.locator(`table.diff tr[data-field="${name}"] td.${side}`).textContent();

scenario('a concurrent edit shows both versions field by field; Overwrite sends mine on the new version',
  async ({ page, api, shot }) => {
    const ada = await api.create({ name: 'Ada Lovelace', phone: '+44 20 7946 0000', email: 'ada@example.com' });
    await page.goto('/');
    await page.getByRole('button', { name: 'Edit Ada Lovelace' }).click();
    await field(page, 'Name').fill('Ada King');
    await api.patch(ada.id, { phone: '+44 111 111 111' });  // someone else, meanwhile
    await page.getByRole('button', { name: 'Save changes' }).click();

    await page.getByRole('heading', { name: 'Someone else saved this customer while you were editing' }).waitFor();
    assert.equal(await diffCell(page, 'phone', 'theirs'), '+44 111 111 111');
    assert.equal(await diffCell(page, 'phone', 'mine'), '+44 20 7946 0000');
    assert.equal(await diffCell(page, 'name', 'theirs'), 'Ada Lovelace');
    assert.equal(await diffCell(page, 'name', 'mine'), 'Ada King');
    assert.match(await page.locator('table.diff tr[data-field="phone"] th').textContent(), /changed/);
    assert.doesNotMatch(await page.locator('table.diff tr[data-field="name"] th').textContent(), /changed/);
    assert.equal(await field(page, 'Name').inputValue(), 'Ada King', 'the input is still there');
    assert.equal((await api.get(ada.id)).name, 'Ada Lovelace', 'nothing saved yet');
    await shot('customer-conflict');

    await page.getByRole('button', { name: 'Overwrite with mine' }).click();
    await page.getByRole('link', { name: 'Ada King' }).waitFor();
    const saved = await api.get(ada.id);
    assert.deepEqual([saved.name, saved.phone, saved.version], ['Ada King', '+44 20 7946 0000', 3]);
    assert.equal(await page.locator('#conflict').isVisible(), false);
  }, { httpErrors: [412] });

scenario('a concurrent edit: Reload takes theirs, and my changes stay at hand to put back on top',
  async ({ page, api }) => {
    const ada = await api.create({ name: 'Ada Lovelace', phone: '+44 20 7946 0000', email: 'ada@example.com' });
    await page.goto('/');
    await page.getByRole('button', { name: 'Edit Ada Lovelace' }).click();
    await field(page, 'Name').fill('Countess of Lovelace');
    await api.patch(ada.id, { email: 'countess@example.com' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Reload (take theirs)' }).click();

    assert.equal(await field(page, 'E-mail').inputValue(), 'countess@example.com');
    assert.equal(await field(page, 'Name').inputValue(), 'Ada Lovelace');
    assert.equal(await page.locator('#conflict dd[data-field="name"]').textContent(), 'Countess of Lovelace');
    await page.getByRole('button', { name: 'Put my changes back' }).click();
    assert.equal(await field(page, 'Name').inputValue(), 'Countess of Lovelace');
    assert.equal(await field(page, 'E-mail').inputValue(), 'countess@example.com', 'their change stays');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('link', { name: 'Countess of Lovelace' }).waitFor();
    const saved = await api.get(ada.id);
    assert.deepEqual([saved.name, saved.email, saved.version], ['Countess of Lovelace', 'countess@example.com', 3]);
    await eventually(async () => !(await page.locator('#customer-form').getAttribute('class'))?.includes('editing'),
      { message: 'back to a new-customer form' });
  }, { httpErrors: [412] });
