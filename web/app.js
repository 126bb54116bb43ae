// Customer management UI: list with search and keyset paging, create, edit
// (with If-Match, so a concurrent change is reported, not overwritten), delete.
const api = '/api/customers';
const $ = (selector) => document.querySelector(selector);
const form = $('#customer-form');
let nextLink = null;

function status(text) { $('#status').textContent = text; }

async function call(method, url, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const fields = data && data.fields ? ' (' + Object.entries(data.fields).map(([k, v]) => `${k} ${v}`).join('; ') + ')' : '';
    throw new Error((data ? data.message : response.statusText) + fields);
  }
  return data;
}

function row(customer) {
  const tr = document.createElement('tr');
  tr.dataset.id = customer.id;
  for (const value of [customer.id, customer.name, customer.phone, customer.email, customer.version, customer.updated_on]) {
    const td = document.createElement('td');
    td.textContent = value;
    tr.appendChild(td);
  }
  const actions = document.createElement('td');
  const edit = document.createElement('button');
  edit.textContent = 'Edit';
  edit.onclick = () => startEdit(customer);
  const remove = document.createElement('button');
  remove.textContent = 'Delete';
  remove.onclick = () => removeCustomer(customer);
  actions.append(edit, remove);
  tr.appendChild(actions);
  return tr;
}

async function load(url, append) {
  try {
    const page = await call('GET', url);
    const body = $('#customers tbody');
    if (!append) body.replaceChildren();
    page.items.forEach((c) => body.appendChild(row(c)));
    nextLink = page.next;
    $('#more').hidden = !nextLink;
    status(`${body.children.length} shown`);
  } catch (e) { status(e.message); }
}

function refresh() {
  const q = new FormData($('#search-form')).get('q');
  load(api + '?limit=20' + (q ? '&q=' + encodeURIComponent(q) : ''), false);
}

function startEdit(customer) {
  form.id.value = customer.id;
  form.version.value = customer.version;
  form.name.value = customer.name;
  form.phone.value = customer.phone;
  form.email.value = customer.email;
  $('#form-title').textContent = `Edit customer ${customer.id}`;
  $('#save').textContent = 'Save';
  $('#cancel').hidden = false;
}

function resetForm() {
  form.reset();
  form.id.value = '';
  $('#form-title').textContent = 'New customer';
  $('#save').textContent = 'Create';
  $('#cancel').hidden = true;
  $('#form-error').textContent = '';
}

async function removeCustomer(customer) {
  try {
    await call('DELETE', `${api}/${customer.id}`, undefined, { 'If-Match': `"${customer.version}"` });
    status(`customer ${customer.id} deleted`);
    refresh();
  } catch (e) { status(e.message); }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { name: form.name.value, phone: form.phone.value, email: form.email.value };
  try {
    if (form.id.value) {
      await call('PUT', `${api}/${form.id.value}`, body, { 'If-Match': `"${form.version.value}"` });
      status(`customer ${form.id.value} saved`);
    } else {
      const created = await call('POST', api, body, { 'Idempotency-Key': crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) });
      status(`customer ${created.id} created`);
    }
    resetForm();
    refresh();
  } catch (e) { $('#form-error').textContent = e.message; }
});
$('#cancel').onclick = resetForm;
$('#search-form').addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
$('#more').onclick = () => nextLink && load(nextLink, true);
refresh();
