// The confirmation dialog: a modal <dialog>, so Escape closes it and focus
// stays inside while it is open; focus goes back where it was afterwards.

import { $ } from './dom.js';

// Resolves true when the user confirms, false on Cancel or Escape.
export function confirmAction({ title, body, confirm = 'Confirm' }) {
  const dialog = $('#confirm-dialog');
  const returnFocus = document.activeElement;
  $('#confirm-title').textContent = title;
  $('#confirm-body').textContent = body;
  $('#confirm-ok').textContent = confirm;
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (returnFocus && returnFocus.isConnected) returnFocus.focus();
      resolve(dialog.returnValue === 'confirm');
    }, { once: true });
  });
}

export function dialogOpen() {
  return document.querySelector('dialog[open]') !== null;
}
