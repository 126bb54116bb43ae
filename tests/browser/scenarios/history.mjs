// The event history under a customer's details: what the outbox holds for a
// customer created, edited and deleted through the UI.

import { assert, createThroughForm, eventually, scenario } from '../support/scenario.mjs';

const events = (page) => page.locator('#history ol.events > li.event');

// { field: [before, after] } of the diff table of one event.
async function diffOf(event) {
  const rows = await event.locator('table.diff tbody tr').evaluateAll((trs) => trs.map((tr) => [
    tr.dataset.field, tr.querySelector('td.before').textContent, tr.querySelector('td.after').textContent]));
  return Object.fromEntries(rows.map(([field, before, after]) => [field, [before, after]]));
}

scenario('the event history shows created, updated and deleted with the right diff', async ({ page, server, shot }) => {
  await page.goto('/');
  await page.getByText('No customers yet.').waitFor();
  await createThroughForm(page, { name: 'Ada Lovelace', phone: '+44 20 7946 0000', email: 'ada@example.com' });
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await page.getByRole('heading', { name: 'Ada Lovelace', level: 2 }).waitFor();
  await page.getByRole('heading', { name: 'Event history', level: 3 }).waitFor();
  await eventually(async () => (await events(page).count()) === 1, { message: 'one event after create' });

  await page.locator('#details-edit').click();
  await page.getByLabel('Name', { exact: true }).fill('Ada King');
  await page.getByLabel('E-mail', { exact: true }).fill('ada.king@example.com');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { name: 'Ada King', level: 2 }).waitFor();
  await eventually(async () => (await events(page).count()) === 2, { message: 'two events after edit' });
  // Newest first: updated, then created.
  const [updated, created] = [events(page).nth(0), events(page).nth(1)];
  assert.equal(await updated.getAttribute('data-event-type'), 'customer.updated');
  assert.equal(await updated.locator('h4').textContent(), 'Updated · version 2');
  assert.deepEqual(await diffOf(updated), {
    name: ['Ada Lovelace', 'Ada King'],
    email: ['ada@example.com', 'ada.king@example.com'],
  });
  assert.equal(await created.getAttribute('data-event-type'), 'customer.created');
  assert.deepEqual(await diffOf(created), {
    name: ['—', 'Ada Lovelace'], phone: ['—', '+44 20 7946 0000'], email: ['—', 'ada@example.com'],
  });
  // Readable local times, the outbox id, where it went (no relay runs yet).
  const committed = updated.locator('dl.event-meta time').first();
  assert.doesNotMatch(await committed.textContent(), /\d{4}-\d{2}-\d{2}T/);
  assert.match(await committed.getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}T/);
  const meta = await updated.locator('dl.event-meta').textContent();
  const [updatedId, createdId] = [Number(await updated.getAttribute('data-outbox-id')),
    Number(await created.getAttribute('data-outbox-id'))];
  assert.ok(updatedId > createdId, 'the newer event has the larger outbox id');
  assert.match(meta, new RegExp(`Outbox id\\s*${updatedId}(?!\\d)`));
  assert.match(meta, /Published\s*not yet/);
  assert.match(meta, /waiting for the relay/);
  assert.match(await updated.textContent(), /E-mails it caused/);
  // A new customer is sent a welcome e-mail: the create event lists it, not yet sent.
  assert.ok(await created.locator('ul.emails li').count() >= 1, 'the create event lists its e-mail');

  // A relay publishes both: the history shows when, and where in Kafka.
  const relay = server.startRelay();
  try {
    await eventually(async () => /Published\s*(?!not yet)\S/.test(await updated.locator('dl.event-meta').textContent()),
      { timeout: 15000, interval: 200, message: 'the update shown published' });
    const published = await updated.locator('dl.event-meta').textContent();
    assert.match(published, /offset \d+/);
    assert.doesNotMatch(published, /waiting for the relay/);
  } finally {
    await relay.stop();
  }
  // The picture for docs/: the toasts closed, the history in view, published.
  const dismiss = page.locator('#toasts button.dismiss');
  await eventually(async () => {
    if (await dismiss.count()) await dismiss.first().click({ timeout: 500 });
    return (await dismiss.count()) === 0;
  }, { message: 'the toasts dismissed' });
  await page.locator('#history-title').evaluate((title) => title.scrollIntoView());
  await shot('customer-history');

  await page.locator('#details-delete').click();
  await page.getByRole('dialog', { name: 'Delete Ada King?' })
    .getByRole('button', { name: 'Delete customer' }).click();
  await page.getByText('No customers yet.').waitFor();
  // The deleted customer's history is still there, under "not found".
  await page.goto('/?customer=1');
  await page.getByRole('heading', { name: 'Customer 1 not found', level: 2 }).waitFor();
  await eventually(async () => (await events(page).count()) === 3, { message: 'three events after delete' });
  const deleted = events(page).nth(0);
  assert.equal(await deleted.getAttribute('data-event-type'), 'customer.deleted');
  assert.equal(await deleted.locator('h4').textContent(), 'Deleted · version 3');
  assert.deepEqual(await diffOf(deleted), { deleted: ['no', 'yes'] });
}, { httpErrors: [404], pipeline: true, timeout: 60000 });
