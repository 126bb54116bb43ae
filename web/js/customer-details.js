// The details view of one customer (?customer=42): every field, readable
// times, Edit and Delete. Later views add sections below it through
// `detailsSections` (the event history of part 2 is one).

import { api } from './api.js';
import { $, h, show } from './dom.js';
import { longTime, relativeTime, timeElement } from './format.js';
import { LatestLoad } from './latest-load.js';
import { alertError } from './notify.js';
import { urlOf } from './url-state.js';

// { update(id, customer, container) } each; called after every load of the
// customer (customer null when it does not exist or was deleted). A section
// keeps its own element in `container` and re-renders only what changed.
export const detailsSections = [];

export class CustomerDetails {
  // onEdit(customer, returnFocus), onDelete(customer, { afterDelete }), onCustomers(items)
  constructor(callbacks) {
    this.callbacks = callbacks;
    this.section = $('#details-view');
    this.customer = null;
    this.id = null;
    this.loads = new LatestLoad();
    this.signature = '';
    $('#back-to-list').addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      callbacks.onNavigate({ customer: null });
    });
  }

  matches(state) {
    return Boolean(state.customer);
  }

  show(state) {
    const opening = this.section.hidden || this.id !== state.customer;
    show(this.section);
    $('#back-to-list').href = urlOf({ ...state, customer: null });
    if (opening) {
      this.id = state.customer;
      this.customer = null;
      this.signature = '';
      $('#details-title').textContent = `Customer ${state.customer}`;
      $('#details-body').replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
      $('#details-extras').replaceChildren();
    }
    return this.load({ quiet: false, focus: opening });
  }

  hide() {
    show(this.section, false);
    this.id = null;
    this.loads.abort();
  }

  refresh() {
    if (this.section.hidden || this.loads.busy || !this.id) return Promise.resolve();
    return this.load({ quiet: true, focus: false });
  }

  reload() {
    if (this.section.hidden || !this.id) return Promise.resolve();
    return this.load({ quiet: true, focus: false });
  }

  async load({ quiet, focus }) {
    const id = this.id;
    try {
      await this.loads.run((signal) => api.get(id, { signal, quiet }), {
        onData: (data) => {
          if (this.id !== id) return;
          this.render(data);
          this.callbacks.onCustomers([data]);
          this.updateSections(id, data);
        },
        onError: (error) => {
          if (error.status === 404) {
            this.renderMissing(id);
            this.updateSections(id, null);
          } else if (!quiet) alertError(`Could not load customer ${id}. ${error.message}`);
        },
      });
    } finally {
      if (focus && this.id === id) $('#details-title').focus({ preventScroll: false });
    }
  }

  renderMissing(id) {
    this.customer = null;
    this.signature = 'missing';
    $('#details-title').textContent = `Customer ${id} not found`;
    $('#details-body').replaceChildren(
      h('p', {}, 'It does not exist, or it was deleted.'));
  }

  render(customer) {
    const signature = JSON.stringify([customer.id, customer.version]);
    this.customer = customer;
    if (signature === this.signature) {
      this.renderTimesOnly();
      return;
    }
    this.signature = signature;
    $('#details-title').textContent = customer.name;
    const when = (stamp, by) => h('span', {}, timeElement(stamp),
      h('span', { class: 'muted', dataset: { relative: stamp } }, ` · ${relativeTime(stamp)}`),
      by ? h('span', { class: 'muted' }, ` · by ${by}`) : null);
    const item = (label, value, key) => [h('dt', {}, label), h('dd', { dataset: { field: key } }, value)];
    $('#details-body').replaceChildren(
      h('dl', { class: 'details' },
        item('Name', customer.name, 'name'),
        item('Phone', customer.phone, 'phone'),
        item('E-mail', customer.email, 'email'),
        item('Customer id', String(customer.id), 'id'),
        item('Version', String(customer.version), 'version'),
        item('Created', when(customer.created_on, customer.created_by), 'created'),
        item('Updated', when(customer.updated_on, customer.updated_by), 'updated')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'details-edit', 'aria-label': `Edit ${customer.name}`,
          onclick: () => this.callbacks.onEdit(this.customer, () => $('#details-edit')) }, 'Edit'),
        h('button', { type: 'button', class: 'danger-quiet', id: 'details-delete',
          'aria-label': `Delete ${customer.name}`,
          onclick: () => this.callbacks.onDelete(this.customer) }, 'Delete')));
    document.title = `${customer.name} · Customers`;
  }

  updateSections(id, customer) {
    const extras = $('#details-extras');
    for (const section of detailsSections) section.update(id, customer, extras);
  }

  renderTimesOnly() {
    for (const element of this.section.querySelectorAll('[data-relative]')) {
      element.textContent = ` · ${relativeTime(element.dataset.relative)}`;
      element.title = longTime(element.dataset.relative);
    }
  }
}
