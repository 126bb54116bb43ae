// What the page shows lives in its URL, so any view can be bookmarked,
// reloaded or shared: ?q=ada&sort=name&page=3&after=<cursor>&customer=42.
//   q, sort       the list's search and order
//   page, after   the list's page number and where it starts (a keyset cursor)
//   customer      the customer whose details are open
//   view          another view than the customers: "pipeline" (the panel)

export const otherViews = ['pipeline'];

export const sorts = {
  newest: { order: 'newest', label: 'Newest first' },
  oldest: { order: 'id', label: 'Oldest first' },
  name: { order: 'name', label: 'Name A–Z' },
  name_desc: { order: 'name_desc', label: 'Name Z–A' },
};

const positiveInteger = (text) => (/^[1-9]\d{0,15}$/.test(text || '') ? Number(text) : null);

export function readState(search = window.location.search) {
  const params = new URLSearchParams(search);
  const sort = params.get('sort');
  const page = positiveInteger(params.get('page')) || 1;
  const after = params.get('after') || null;
  return {
    q: (params.get('q') || '').trim(),
    sort: Object.hasOwn(sorts, sort) ? sort : 'newest',
    // A page number without its cursor (or the reverse) means the first page.
    page: page > 1 && after ? page : 1,
    after: page > 1 ? after : null,
    customer: positiveInteger(params.get('customer')),
    view: otherViews.includes(params.get('view')) ? params.get('view') : null,
  };
}

export function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.sort && state.sort !== 'newest') params.set('sort', state.sort);
  if (state.page > 1 && state.after) {
    params.set('page', String(state.page));
    params.set('after', state.after);
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
