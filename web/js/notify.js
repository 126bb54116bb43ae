// Messages that stay where the user can see them (fixed at the bottom of the
// viewport): toasts for what happened, alerts for what went wrong. A toast
// stays for a while (longer with an action such as Undo); an alert stays
// until it is dismissed or the same problem is reported again.

import { $, h } from './dom.js';

function dismissButton(item, what) {
  return h('button', { type: 'button', class: 'dismiss', 'aria-label': `Dismiss ${what}`,
    onclick: () => item.remove() }, '×');
}

// toast('Saved Ada.', { action: { label: 'Undo', run: async () => … }, timeout: 10000 })
export function toast(message, { action, timeout = 8000 } = {}) {
  const item = h('div', { class: 'toast' }, h('span', { class: 'message' }, message));
  if (action) {
    const button = h('button', { type: 'button', class: 'toast-action' }, action.label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await action.run();
        item.remove();
      } catch (error) {
        button.disabled = false;
        alertError(error.message);
      }
    });
    item.append(button);
  }
  item.append(dismissButton(item, 'message'));
  $('#toasts').append(item);
  let timer = setTimeout(() => item.remove(), timeout);
  // Not while the pointer or the keyboard is on it.
  const hold = () => clearTimeout(timer);
  const release = () => { timer = setTimeout(() => item.remove(), timeout / 2); };
  item.addEventListener('mouseenter', hold);
  item.addEventListener('mouseleave', release);
  item.addEventListener('focusin', hold);
  item.addEventListener('focusout', release);
  return item;
}

// A problem, announced at once (role=alert). The same message is not stacked twice.
export function alertError(message) {
  const alerts = $('#alerts');
  for (const existing of alerts.children) {
    if (existing.dataset.message === message) existing.remove();
  }
  const item = h('div', { class: 'alert', dataset: { message } },
    h('span', { class: 'message' }, message));
  item.append(dismissButton(item, 'error'));
  alerts.append(item);
  while (alerts.children.length > 3) alerts.firstElementChild.remove();
  return item;
}

// Removes the alerts about `message` (or all) once the problem is gone.
export function clearAlerts(message) {
  for (const item of [...$('#alerts').children]) {
    if (message === undefined || item.dataset.message === message) item.remove();
  }
}
