// A customer's event history, as a section of the details view: each CRUD
// event in the outbox (newest first) with a field-by-field before/after
// diff, when it was committed and when the relay published it (outbox id,
// partition, offset, delivery state), and the e-mails it caused with their
// state. From GET /api/customers/{id}/history; everything lands as text.

import { customersPath, request } from './api.js';
import { h } from './dom.js';
import { timeElement } from './format.js';
import { LatestLoad } from './latest-load.js';

const eventLabels = {
  'customer.created': 'Created',
  'customer.updated': 'Updated',
  'customer.deleted': 'Deleted',
};

const fieldLabels = { name: 'Name', phone: 'Phone', email: 'E-mail', deleted: 'Deleted' };

// delivery / e-mail states as a person reads them
const stateLabels = {
  published: 'published',
  pending: 'waiting for the relay',
  retrying: 'retrying',
  parked: 'parked (gave up)',
  skipped: 'skipped',
  sent: 'sent',
  failed: 'failed',
  queued: 'queued',
  unknown: 'state unknown',
};

const stateLabel = (state) => stateLabels[state] || String(state ?? 'unknown');

function fieldValue(customer, field) {
  if (!customer) return '—';
  const value = customer[field];
  if (field === 'deleted') return value ? 'yes' : 'no';
  if (value === undefined || value === null || value === '') return '—';
  return String(value);
}

// The fields the event changed; a delete whose payload has no "after" still
// says what went.
function changedFields(event) {
  if (Array.isArray(event.changed) && event.changed.length) return event.changed;
  if (event.event_type === 'customer.deleted') return ['deleted'];
  return [];
}

function when(stamp, missing) {
  return stamp ? timeElement(stamp) : h('span', { class: 'muted' }, missing);
}

function diffTable(event) {
  const fields = changedFields(event);
  if (event.payload_error) {
    return h('p', { class: 'field-error' }, `The event's payload could not be read: ${event.payload_error}`);
  }
  if (!fields.length) return h('p', { class: 'muted' }, 'No field changed.');
  const deletedWithoutAfter = event.event_type === 'customer.deleted' && !event.after;
  return h('table', { class: 'diff' },
    h('caption', { class: 'visually-hidden' }, `Changes in version ${event.version}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Field'),
      h('th', { scope: 'col' }, 'Before'),
      h('th', { scope: 'col' }, 'After'))),
    h('tbody', {}, fields.map((field) => h('tr', { dataset: { field } },
      h('th', { scope: 'row' }, fieldLabels[field] || field),
      h('td', { class: 'before' }, fieldValue(event.before, field)),
      h('td', { class: 'after' }, deletedWithoutAfter && field === 'deleted' ? 'yes'
        : fieldValue(event.after, field))))));
}

function deliveryText(item, attempts, error) {
  let text = stateLabel(item.delivery);
  if (attempts) text += ` · ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (error) text += ` · ${error}`;
  return text;
}

function place(item) {
  if (item.partition === null || item.partition === undefined) return 'not yet';
  return `partition ${item.partition}, offset ${item.offset ?? '—'}`;
}

function emailList(event, emailsKnown) {
  const emails = event.emails || [];
  if (!emails.length) return h('p', { class: 'muted emails-none' }, 'No e-mails.');
  return h('ul', { class: 'emails' }, emails.map((email) => {
    let text = `E-mail ${stateLabel(email.state)}`;
    if (email.attempts) text += ` after ${email.attempts} attempt${email.attempts === 1 ? '' : 's'}`;
    return h('li', { dataset: { state: String(email.state), outboxId: String(email.outbox_id) } },
      h('span', { class: `state state-${String(email.state).replace(/[^a-z_-]/g, '')}` }, text),
      email.handled_at ? [' · ', timeElement(email.handled_at)] : null,
      email.error ? h('span', { class: 'muted' }, ` · ${email.error}`) : null,
      h('span', { class: 'muted' }, ` · outbox ${email.outbox_id}, ${place(email)}`),
      !emailsKnown && email.state === 'unknown'
        ? h('span', { class: 'muted' }, ' (the API cannot see the notification worker)') : null);
  }));
}

function eventItem(event, emailsKnown) {
  const label = eventLabels[event.event_type] || event.event_type;
  const meta = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  return h('li', { class: 'event', dataset: { eventType: event.event_type, outboxId: String(event.outbox_id) } },
    h('h4', {}, `${label} · version ${event.version}`),
    h('dl', { class: 'event-meta' },
      meta('Committed', when(event.committed_at, '—')),
      meta('Published', when(event.published_at, 'not yet')),
      meta('Outbox id', String(event.outbox_id)),
      meta('Kafka', place(event)),
      meta('Delivery', h('span', { class: 'delivery', dataset: { delivery: String(event.delivery) } },
        deliveryText(event, event.delivery_attempts, event.delivery_error)))),
    diffTable(event),
    h('h5', {}, 'E-mails it caused'),
    emailList(event, emailsKnown));
}

export class CustomerHistory {
  constructor() {
    this.element = null;
    this.id = null;
    this.loads = new LatestLoad();
  }

  // Called by the details view after every load (customer is null when it
  // is gone: a deleted customer's events stay in the outbox for a while).
  async update(id, customer, container) {
    if (!this.element || !container.contains(this.element) || this.id !== id) {
      this.id = id;
      this.loads.forget();
      this.list = h('div', { class: 'history-body' }, h('p', { class: 'muted' }, 'Loading…'));
      this.element = h('section', { class: 'history', id: 'history', 'aria-labelledby': 'history-title' },
        h('h3', { id: 'history-title' }, 'Event history'),
        h('p', { class: 'muted history-note' },
          'What the outbox holds for this customer, newest first: each change, when it was '
          + 'committed and published to Kafka, and the e-mails it caused.'),
        this.list);
      container.append(this.element);
    }
    await this.loads.run(
      (signal) => request('GET', `${customersPath}/${id}/history?limit=50`, { signal, quiet: true }),
      {
        onData: (data) => {
          if (this.id === id) this.render(data);
        },
        onError: (error) => {
          if (this.id !== id) return;
          this.list.replaceChildren(h('p', { class: 'muted' }, error.status === 404
            ? 'No events of this customer are left in the outbox.'
            : `The history could not be loaded. ${error.message}`));
        },
      });
  }

  render(data) {
    if (!this.loads.changed(data)) return;
    const events = data.events || [];
    this.list.replaceChildren(
      h('p', { class: 'history-summary' },
        `${events.length} event${events.length === 1 ? '' : 's'}`),
      events.length
        ? h('ol', { class: 'events' }, events.map((event) => eventItem(event, data.emails_known)))
        : h('p', { class: 'muted' }, 'No events yet.'));
  }
}
