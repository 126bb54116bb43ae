// The REST API from the test's side (Node's fetch): seeding data and
// checking what the UI did.

export function apiClient(baseUrl, token = '') {
  async function call(method, path, body, headers = {}) {
    const sent = { Accept: 'application/json', ...headers };
    if (token) sent.Authorization = `Bearer ${token}`;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return data;
  }
  return {
    create: (customer) => call('POST', '/api/customers', customer),
    get: (id) => call('GET', `/api/customers/${id}`),
    patch: (id, change) => call('PATCH', `/api/customers/${id}`, change),
    list: (query = '') => call('GET', `/api/customers?limit=200&${query}`),
    // `count` customers named "<prefix> 01", "<prefix> 02", … created in order.
    async seed(count, prefix = 'Customer') {
      const created = [];
      for (let i = 1; i <= count; i += 1) {
        const n = String(i).padStart(2, '0');
        created.push(await call('POST', '/api/customers', {
          name: `${prefix} ${n}`, phone: `555 01${n}`, email: `customer${n}@example.com`,
        }));
      }
      return created;
    },
  };
}
