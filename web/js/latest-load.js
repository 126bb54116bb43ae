// The loading pattern of the views that refresh by themselves: one request
// at a time, the newest wins (starting one aborts the one under way), an
// aborted request is silent, and an answer is drawn only when it differs
// from the one on screen, so a refresh that changes nothing touches no DOM
// (and moves no focus or scroll position).

import { ApiError } from './api.js';

export class LatestLoad {
  constructor() {
    this.controller = null;
    this.signature = '';
  }

  get busy() {
    return this.controller !== null;
  }

  abort() {
    if (this.controller) this.controller.abort();
  }

  // The next answer is drawn even when it equals the last one.
  forget() {
    this.signature = '';
  }

  // True when `data` differs from the answer drawn last (and remembers it).
  changed(data) {
    const signature = JSON.stringify(data);
    if (signature === this.signature) return false;
    this.signature = signature;
    return true;
  }

  // send(signal) resolves to { data }; then onData(data), or onError(apiError)
  // for an answer the API refused. Errors that are not the API's propagate.
  async run(send, { onData, onError }) {
    this.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      const { data } = await send(controller.signal);
      onData(data);
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (!(error instanceof ApiError)) throw error;
      this.forget();
      onError(error);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }
}
