// The one way the UI talks to customer-api: JSON in and out, the bearer
// token, and errors as ApiError with a message a person can read, whatever
// the server (or a proxy in front of it) answered.

import { askForToken, currentToken, forgetToken, tokenDeclined } from './auth.js';

export const customersPath = '/api/customers';

export class ApiError extends Error {
  constructor(status, code, message, fields = null, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;  // {name: "must not be blank", ...} for 400s
    this.body = body;
  }
}

// A random key for one form submission: the same key for every retry of it.
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// A short, readable version of a body that is not our JSON (an HTML error page, …).
function gist(text) {
  const plain = String(text).replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 160 ? `${plain.slice(0, 157)}…` : plain;
}

async function readBody(response) {
  if (response.status === 204) return { json: null, text: '' };
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  if (text && type.includes('json')) {
    try {
      return { json: JSON.parse(text), text };
    } catch {
      // Falls through: treated like any other body that is not JSON.
    }
  }
  return { json: null, text };
}

function errorOf(response, { json, text }) {
  if (json && typeof json.message === 'string') {
    return new ApiError(response.status, json.error || 'error', json.message,
      json.fields && typeof json.fields === 'object' ? json.fields : null, json);
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const detail = gist(text);
  return new ApiError(response.status, 'http_error',
    `The server answered ${status}${detail ? `: ${detail}` : ''}.`);
}

// request('PUT', '/api/customers/4', { body, headers }) -> { status, data, headers }.
// A 401 asks for a token and tries again (a `quiet` request, such as an
// automatic refresh, does not ask again once the user said no); other
// failures throw ApiError.
export async function request(method, path, { body, headers = {}, signal, quiet = false } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const sent = { Accept: 'application/json', ...headers };
    const token = currentToken();
    if (token) sent.Authorization = `Bearer ${token}`;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, {
        method, headers: sent, signal, cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network',
        'The server could not be reached. Check the connection and try again.');
    }
    const answer = await readBody(response);
    if (response.status === 401 && attempt < 3 && !(quiet && tokenDeclined())) {
      if (token) forgetToken();  // refused: not kept for the next request
      const typed = await askForToken(token
        ? 'That token was not accepted. Enter a valid token.'
        : 'The API asks for a bearer token. It is kept for this browser tab only.');
      if (typed) continue;
      throw new ApiError(401, 'unauthorized',
        'The API needs a token; nothing was loaded or saved without one.');
    }
    if (!response.ok) throw errorOf(response, answer);
    if (answer.text && !answer.json) {
      throw new ApiError(response.status, 'http_error',
        `The server answered ${response.status} with something that is not JSON: ${gist(answer.text)}.`);
    }
    return { status: response.status, data: answer.json, headers: response.headers };
  }
}

export const api = {
  list(params, options) {
    const query = new URLSearchParams(params);
    return request('GET', `${customersPath}?${query}`, options);
  },
  get(id, options) {
    return request('GET', `${customersPath}/${id}`, options);
  },
  create(values, idempotencyKey) {
    return request('POST', customersPath,
      { body: values, headers: { 'Idempotency-Key': idempotencyKey } });
  },
  replace(id, version, values) {
    return request('PUT', `${customersPath}/${id}`,
      { body: values, headers: { 'If-Match': `"${version}"` } });
  },
  remove(id, version) {
    return request('DELETE', `${customersPath}/${id}`, { headers: { 'If-Match': `"${version}"` } });
  },
};
