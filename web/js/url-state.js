// What the page shows lives in its URL, so any view can be bookmarked,
// reloaded or shared: ?q=ada&sort=name&page=3&after=<cursor>&customer=42.
//   q, sort       the list's search and order
//   page          the list's page number, with where the page is read from:
//   after|before  the rows after a keyset cursor (Next) or just before one
//                 (Previous), so any bookmarked page can page both ways
//   customer      the customer whose details are open
//   view          another view than the customers: "pipeline" (the panel)

export const otherViews = ['pipeline'];

export const sorts = {
  newest: { order: 'newest', label: 'Newest first' },
  oldest: { order: 'id', label: 'Oldest first' },
  name: { order: 'name', label: 'Name A–Z' },
  name_desc: { order: 'name_desc', label: 'Name Z–A' },
};

// The first page of a list: no cursor either way.
export const firstPage = Object.freeze({ page: 1, after: null, before: null });

const positiveInteger = (text) => (/^[1-9]\d{0,15}$/.test(text || '') ? Number(text) : null);

export function readState(search = window.location.search) {
  const params = new URLSearchParams(search);
  const sort = params.get('sort');
  const page = positiveInteger(params.get('page')) || 1;
  const after = params.get('after') || null;
  const before = after ? null : params.get('before') || null;
  // A page number without a cursor (or the reverse) means the first page.
  const position = page > 1 && (after || before) ? { page, after, before } : firstPage;
  return {
    q: (params.get('q') || '').trim(),
    sort: Object.hasOwn(sorts, sort) ? sort : 'newest',
    ...position,
    customer: positiveInteger(params.get('customer')),
    view: otherViews.includes(params.get('view')) ? params.get('view') : null,
  };
}

export function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.sort && state.sort !== 'newest') params.set('sort', state.sort);
  const cursor = state.after ? ['after', state.after] : state.before ? ['before', state.before] : null;
  if (state.page > 1 && cursor) {
    params.set('page', String(state.page));
    params.set(...cursor);
  }
  if (state.customer) params.set('customer', String(state.customer));
  if (state.view) params.set('view', state.view);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ''}`;
}

// Puts `state` in the address bar: a new history entry, or in place (replace).
export function writeState(state, { replace = false } = {}) {
  const url = urlOf(state);
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
}
