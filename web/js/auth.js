// The bearer token: asked for when the API answers 401, kept in
// sessionStorage (this tab, until it is closed), sent by api.js.

import { $ } from './dom.js';

const storageKey = 'customer-outbox.api-token';
let pendingPrompt = null;
let declined = false;  // the user cancelled the prompt: background refreshes do not ask again
const listeners = new Set();

export function currentToken() {
  try {
    return sessionStorage.getItem(storageKey) || '';
  } catch {
    return '';
  }
}

function setToken(token) {
  try {
    if (token) sessionStorage.setItem(storageKey, token);
    else sessionStorage.removeItem(storageKey);
  } catch {
    // Storage refused (private mode): the token lives until the page is left.
  }
  notify();
}

function notify() {
  listeners.forEach((listener) => listener({ hasToken: Boolean(currentToken()), declined }));
}

export function forgetToken() {
  setToken('');
}

// listener({ hasToken, declined }) after every change of the token.
export function onTokenChange(listener) {
  listeners.add(listener);
}

export function tokenDeclined() {
  return declined;
}

// Opens the token dialog (once, however many requests are waiting) and
// resolves to the token typed, or '' when the user cancels.
export function askForToken(message) {
  if (pendingPrompt) return pendingPrompt;
  declined = false;
  const dialog = $('#token-dialog');
  const input = $('#token-input');
  const returnFocus = document.activeElement;
  $('#token-message').textContent = message;
  input.value = '';
  dialog.returnValue = '';
  dialog.showModal();
  input.focus();
  pendingPrompt = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      pendingPrompt = null;
      const token = dialog.returnValue === 'ok' ? input.value.trim() : '';
      input.value = '';
      declined = !token;
      if (token) setToken(token);
      else notify();
      if (returnFocus && returnFocus.isConnected) returnFocus.focus();
      resolve(token);
    }, { once: true });
  });
  return pendingPrompt;
}
