// Wiring: the views, the form, the URL and the automatic refresh.
//
// A view is an object with matches(state), show(state), hide(), refresh()
// (the timer's; skipped while a load runs) and reload() (after a change made
// here); the first whose matches() accepts the URL's state is shown.
// The customer list is the fallback; the pipeline panel is ?view=pipeline.

import { askForToken, currentToken, forgetToken, onTokenChange } from './auth.js';
import { deleteWithUndo } from './customer-actions.js';
import { CustomerDetails, detailsSections } from './customer-details.js';
import { CustomerHistory } from './customer-history.js';
import { CustomerForm } from './customer-form.js';
import { CustomerList } from './customer-list.js';
import { dialogOpen } from './dialog.js';
import { PipelinePanel } from './pipeline-panel.js';
import { $, show } from './dom.js';
import { firstPage, readState, writeState } from './url-state.js';

export const refreshIntervalMs = 5000;

let active = null;

function navigate(change, { replace = false } = {}) {
  writeState({ ...readState(), ...change }, { replace });
  render();
}

function reloadActive() {
  return active ? active.reload() : Promise.resolve();
}

// After a change, a keyboard user keeps a place to stand.
function keepFocus() {
  if (!document.activeElement || document.activeElement === document.body) {
    $(active === details ? '#details-title' : '#list-title').focus({ preventScroll: true });
  }
}

const form = new CustomerForm({ onSaved: () => reloadActive() });

const callbacks = {
  onEdit: (customer, returnFocus) => form.startEdit(customer, { returnFocus }),
  onDelete: async (customer) => {
    const from = active;
    await deleteWithUndo(customer, {
      form,
      onChanged: async ({ deleted }) => {
        if (deleted && from === details && details.id === customer.id) navigate({ customer: null });
        else await reloadActive();
        keepFocus();
      },
    });
  },
  onOpen: (id) => navigate({ customer: id }),
  onNavigate: navigate,
  onCustomers: (items) => items.forEach((customer) => form.noticeCurrent(customer)),
};

detailsSections.push(new CustomerHistory());
const details = new CustomerDetails(callbacks);
const list = new CustomerList(callbacks);
const pipeline = new PipelinePanel();
const views = [pipeline, details, list];

function render() {
  const state = readState();
  const next = views.find((view) => view.matches(state));
  for (const view of views) if (view !== next) view.hide();
  active = next;
  if (next === list || (next === details && document.title.startsWith('Pipeline'))) {
    document.title = 'Customers';
  }
  const current = next === pipeline ? '#nav-pipeline' : '#nav-customers';
  for (const link of document.querySelectorAll('.app-nav a')) {
    if (link.matches(current)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  next.show(state);
}

// Escape ends an edit (a dialog handles its own Escape first).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.defaultPrevented || dialogOpen()) return;
  if (form.mode === 'edit') {
    event.preventDefault();
    form.cancel();
  }
});

// The token line in the header: forget it, or enter one after saying no.
function showAuthStatus({ hasToken, declined }) {
  const status = $('#auth-status');
  show(status, hasToken || declined);
  status.querySelector('span').textContent = hasToken ? 'Using an API token' : 'No API token';
  $('#forget-token').textContent = hasToken ? 'Forget token' : 'Enter token';
}
onTokenChange(showAuthStatus);
showAuthStatus({ hasToken: Boolean(currentToken()), declined: false });
$('#forget-token').addEventListener('click', async () => {
  if (currentToken()) {
    forgetToken();
    return;
  }
  if (await askForToken('Enter the API token. It is kept for this browser tab only.')) render();
});

const plainClick = (event) => event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey;
for (const selector of ['#home-link', '#nav-customers']) {
  $(selector).addEventListener('click', (event) => {
    if (!plainClick(event)) return;
    event.preventDefault();
    navigate({ q: '', sort: 'newest', ...firstPage, customer: null, view: null });
  });
}
$('#nav-pipeline').addEventListener('click', (event) => {
  if (!plainClick(event)) return;
  event.preventDefault();
  navigate({ customer: null, view: 'pipeline' });
});

window.addEventListener('popstate', render);
// The page refreshes itself while it is visible, never while a dialog is open.
setInterval(() => {
  if (document.visibilityState === 'visible' && !dialogOpen() && active) active.refresh();
}, refreshIntervalMs);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && active) active.refresh();
});

render();
