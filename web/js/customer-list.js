// The list view: one page of customers (keyset pages of the API), with
// search, sort, total, empty state and paging, all kept in the URL.
// refresh() reloads the same page in place: the rows change, the page,
// scroll position and keyboard focus do not.

import { api } from './api.js';
import { $, h, show } from './dom.js';
import { timeElement } from './format.js';
import { LatestLoad } from './latest-load.js';
import { alertError, clearAlerts } from './notify.js';
import { firstPage, sorts, urlOf } from './url-state.js';

export const pageSize = 20;

// An e-mail address that wraps before "@" and "." rather than mid-word.
function breakable(email) {
  return email.split(/(?=[@.])/).flatMap((part, i) => (i ? [h('wbr'), part] : [part]));
}

export class CustomerList {
  // onEdit(customer, returnFocus), onDelete(customer), onOpen(id),
  // onNavigate(partialState, { replace }), onCustomers(items) after each load.
  constructor(callbacks) {
    this.callbacks = callbacks;
    this.section = $('#list-view');
    this.body = $('#customers tbody');
    this.state = null;
    this.items = new Map();
    this.signature = '';
    this.loads = new LatestLoad();
    this.refreshError = '';
    this.bindControls();
  }

  matches() {
    return true;  // the view shown when no other view claims the URL
  }

  bindControls() {
    const search = $('#search');
    let typing = null;
    // While typing, the URL follows the box: the first change of a search is
    // a new history entry (Back returns to the view before it), the next
    // keystrokes only refine it.
    search.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        const q = search.value.trim();
        if (this.state && q === this.state.q) return;
        this.callbacks.onNavigate({ q, ...firstPage },
          { replace: Boolean(this.state && this.state.q) });
      }, 300);
    });
    $('#search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(typing);
      this.callbacks.onNavigate({ q: search.value.trim(), ...firstPage });
    });
    $('#sort').addEventListener('change', (event) => {
      this.callbacks.onNavigate({ sort: event.target.value, ...firstPage });
    });
    for (const button of document.querySelectorAll('[data-sort-toggle]')) {
      button.addEventListener('click', () => {
        const current = this.state ? this.state.sort : 'newest';
        const sort = button.dataset.sortToggle === 'name'
          ? (current === 'name' ? 'name_desc' : 'name')
          : (current === 'newest' ? 'oldest' : 'newest');
        this.callbacks.onNavigate({ sort, ...firstPage });
      });
    }
    $('#prev-page').addEventListener('click', () => this.previousPage());
    $('#next-page').addEventListener('click', () => this.nextPage());
    this.body.addEventListener('click', (event) => this.onRowClick(event));
  }

  onRowClick(event) {
    const link = event.target.closest('a.customer-link');
    if (link) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      this.callbacks.onOpen(Number(link.dataset.id));
      return;
    }
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const customer = this.items.get(Number(button.dataset.id));
    if (!customer) return;
    if (button.dataset.action === 'edit') {
      this.callbacks.onEdit(customer, () => this.actionButton('edit', customer.id));
    } else if (button.dataset.action === 'delete') {
      this.callbacks.onDelete(customer);
    }
  }

  actionButton(action, id) {
    return this.body.querySelector(`button[data-action="${action}"][data-id="${id}"]`);
  }

  show(state) {
    show(this.section);
    this.state = state;
    // Not while the user types in it (the URL follows the box, not the reverse).
    if (document.activeElement !== $('#search')) $('#search').value = state.q;
    $('#sort').value = state.sort;
    return this.load({ quiet: false });
  }

  hide() {
    show(this.section, false);
    this.loads.abort();
  }

  // The automatic refresh: skipped while a load is under way.
  refresh() {
    if (this.section.hidden || !this.state || this.loads.busy) return Promise.resolve();
    return this.load({ quiet: true });
  }

  // After a change made on this page: load now, whatever is under way.
  reload() {
    if (this.section.hidden || !this.state) return Promise.resolve();
    return this.load({ quiet: true });
  }

  async load({ quiet }) {
    const state = this.state;
    const params = { limit: pageSize, order: sorts[state.sort].order, total: 'true' };
    if (state.q) params.q = state.q;
    if (state.after) params.cursor = state.after;
    else if (state.before) params.before = state.before;
    if (!quiet) this.section.setAttribute('aria-busy', 'true');
    try {
      await this.loads.run((signal) => api.list(params, { signal, quiet }), {
        onData: (data) => {
          if (this.state !== state) return;
          if (this.refreshError) clearAlerts(this.refreshError);
          this.refreshError = '';
          // The page emptied (customers deleted meanwhile), or reading back
          // reached the start of the list: the first page proper instead.
          if (state.page > 1 && (!data.items.length || (state.before && !data.prev_cursor))) {
            this.callbacks.onNavigate(firstPage, { replace: true });
            return;
          }
          this.render(data);
          this.callbacks.onCustomers(data.items);
        },
        onError: (error) => {
          const message = `Could not load the customers. ${error.message}`;
          if (!quiet || message !== this.refreshError) alertError(message);
          this.refreshError = message;
          if (!quiet) $('#list-summary').textContent = 'The list could not be loaded.';
        },
      });
    } finally {
      this.section.removeAttribute('aria-busy');
    }
  }

  render(page) {
    const state = this.state;
    const signature = JSON.stringify([state, page.items.map((c) => [c.id, c.version]),
      page.total, page.next_cursor, page.prev_cursor]);
    this.next = page.next_cursor;
    this.previous = page.prev_cursor;
    if (signature === this.signature) return;
    this.signature = signature;
    const focused = document.activeElement;
    const refocus = focused && this.body.contains(focused) && focused.dataset.action
      ? [focused.dataset.action, focused.dataset.id] : null;

    this.items = new Map(page.items.map((customer) => [customer.id, customer]));
    this.body.replaceChildren(...page.items.map((customer) => this.row(customer)));
    this.renderSummary(page);
    this.renderEmpty(page);
    this.renderPager(page);
    this.renderSortHeaders();
    if (refocus) {
      const again = this.actionButton(refocus[0], refocus[1]);
      if (again) again.focus({ preventScroll: true });
      else $('#list-title').focus({ preventScroll: true });
    }
  }

  row(customer) {
    const { id, name } = customer;
    return h('tr', { dataset: { id, version: customer.version } },
      h('td', { class: 'col-id', 'data-label': '#' }, String(id)),
      h('td', { class: 'col-name', 'data-label': 'Name' },
        h('a', { class: 'customer-link', href: urlOf({ ...this.state, customer: id }), dataset: { id } },
          name)),
      h('td', { class: 'col-phone', 'data-label': 'Phone' }, customer.phone),
      h('td', { class: 'col-email', 'data-label': 'E-mail' }, breakable(customer.email)),
      h('td', { class: 'col-updated', 'data-label': 'Updated' }, timeElement(customer.updated_on)),
      h('td', { class: 'col-actions' }, h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'small', 'aria-label': `Edit ${name}`,
          dataset: { action: 'edit', id } }, 'Edit'),
        h('button', { type: 'button', class: 'small danger-quiet', 'aria-label': `Delete ${name}`,
          dataset: { action: 'delete', id } }, 'Delete'))));
  }

  renderSummary(page) {
    const { q } = this.state;
    const first = (this.state.page - 1) * pageSize + 1;
    const last = first + page.items.length - 1;
    const total = page.total === undefined ? null
      : page.total_capped ? `more than ${page.total.toLocaleString()}` : page.total.toLocaleString();
    let text;
    if (!page.items.length) text = q ? 'No matches' : 'No customers';
    else if (total === null) text = `Showing ${first}–${last}`;
    else {
      const what = page.total === 1 && !page.total_capped ? 'customer' : 'customers';
      text = `Showing ${first.toLocaleString()}–${last.toLocaleString()} of ${total} ${what}`;
    }
    $('#list-summary').textContent = q && page.items.length ? `${text} matching “${q}”` : text;
    $('#list-title').textContent = q ? 'Search results' : 'All customers';
  }

  renderEmpty(page) {
    const empty = $('#empty');
    const none = page.items.length === 0;
    show(empty, none);
    $('#customers').hidden = none;
    if (!none) return;
    if (this.state.q) {
      empty.replaceChildren(
        h('p', { class: 'empty-title' }, `No customer matches “${this.state.q}”.`),
        h('p', {}, 'Search looks at names, e-mail addresses and phone numbers.'),
        h('button', { type: 'button', onclick: () => {
          $('#search').value = '';
          this.callbacks.onNavigate({ q: '', ...firstPage });
        } }, 'Clear the search'));
    } else {
      empty.replaceChildren(
        h('p', { class: 'empty-title' }, 'No customers yet.'),
        h('p', {}, 'Add the first one with the form; it appears here, and its events flow through the pipeline.'),
        h('button', { type: 'button', onclick: () => $('#name').focus() }, 'Add a customer'));
    }
  }

  renderPager(page) {
    const { page: number } = this.state;
    show($('#pager'), number > 1 || Boolean(page.next_cursor));
    $('#prev-page').disabled = number <= 1;
    $('#next-page').disabled = !page.next_cursor;
    $('#page-label').textContent = `Page ${number}`;
  }

  renderSortHeaders() {
    const sort = this.state.sort;
    const states = {
      id: sort === 'newest' ? 'descending' : sort === 'oldest' ? 'ascending' : null,
      name: sort === 'name' ? 'ascending' : sort === 'name_desc' ? 'descending' : null,
    };
    for (const th of document.querySelectorAll('#customers th[data-sort]')) {
      const value = states[th.dataset.sort];
      if (value) th.setAttribute('aria-sort', value);
      else th.removeAttribute('aria-sort');
      const button = th.querySelector('button');
      const what = th.dataset.sort === 'name' ? 'name' : 'age';
      button.title = `Sort by ${what}`;
    }
  }

  nextPage() {
    if (!this.next) return;
    this.callbacks.onNavigate({ page: this.state.page + 1, after: this.next, before: null });
    $('#list-title').focus({ preventScroll: true });
  }

  previousPage() {
    const page = this.state.page - 1;
    if (page < 1) return;
    if (page === 1 || !this.previous) this.callbacks.onNavigate(firstPage);
    else this.callbacks.onNavigate({ page, after: null, before: this.previous });
    $('#list-title').focus({ preventScroll: true });
  }
}
