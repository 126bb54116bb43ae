// The form that creates and edits customers.
// - Create: one Idempotency-Key per submission, reused by every retry of the
//   same input, and the button is disabled while saving: a double click
//   creates one customer.
// - Edit: PUT with If-Match; a newer version on the server opens the conflict
//   panel (conflict.js) instead of losing the user's input.
// - The API's field errors are shown at their fields (aria-invalid,
//   aria-describedby); the name's length is counted, never cut.

import { ApiError, api, newIdempotencyKey } from './api.js';
import { clearConflict, fieldLabels, renderConflict, renderDeleted, renderKeptInput } from './conflict.js';
import { $, show } from './dom.js';
import { toast } from './notify.js';

export const maxNameLength = 400;  // characters, as the API counts them
const fields = Object.keys(fieldLabels);
const characters = (text) => [...text.trim()].length;

export class CustomerForm {
  // onSaved(customer, { created }) after a successful save.
  constructor({ onSaved }) {
    this.form = $('#customer-form');
    this.onSaved = onSaved;
    this.mode = 'create';
    this.editing = null;     // { customer, returnFocus }
    this.submission = null;  // { signature, key } of the create being sent or retried
    this.saving = false;
    this.conflict = $('#conflict');
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    $('#cancel').addEventListener('click', () => this.cancel());
    for (const field of fields) {
      this.input(field).addEventListener('input', () => {
        this.clearFieldError(field);
        if (field === 'name') this.updateCounter();
      });
    }
    this.updateCounter();
  }

  input(field) {
    return this.form.elements[field];
  }

  values() {
    return Object.fromEntries(fields.map((field) => [field, this.input(field).value]));
  }

  setValues(values) {
    for (const field of fields) this.input(field).value = values[field] ?? '';
    this.updateCounter();
  }

  isDirty() {
    const start = this.editing ? this.editing.customer : { name: '', phone: '', email: '' };
    const now = this.values();
    return fields.some((field) => now[field].trim() !== String(start[field] ?? '').trim());
  }

  updateCounter() {
    const count = characters(this.input('name').value);
    const counter = $('#name-counter');
    const over = count - maxNameLength;
    counter.textContent = over > 0
      ? `${count} / ${maxNameLength} characters: ${over} too many`
      : `${count} / ${maxNameLength} characters`;
    counter.classList.toggle('over', over > 0);
    if (over > 0) this.input('name').setAttribute('aria-invalid', 'true');
    else if ($('#name-error').hidden) this.input('name').removeAttribute('aria-invalid');
  }

  // --- errors -------------------------------------------------------------

  showFieldError(field, message) {
    const input = this.input(field);
    const error = $(`#${field}-error`);
    error.textContent = `${fieldLabels[field]} ${message}`;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!described.includes(error.id)) described.unshift(error.id);
    input.setAttribute('aria-describedby', described.join(' '));
  }

  clearFieldError(field) {
    const input = this.input(field);
    const error = $(`#${field}-error`);
    error.hidden = true;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') || '').split(' ')
      .filter((id) => id && id !== error.id);
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
    if (field === 'name') this.updateCounter();
  }

  showFormError(message) {
    const box = $('#form-error');
    box.textContent = message;
    box.hidden = false;
  }

  clearErrors() {
    fields.forEach((field) => this.clearFieldError(field));
    $('#form-error').hidden = true;
    $('#form-error').textContent = '';
  }

  // The API's 400: each field's problem at the field, the rest in the form's box.
  showApiErrors(error) {
    const other = [];
    for (const [field, problem] of Object.entries(error.fields || {})) {
      if (fields.includes(field)) this.showFieldError(field, problem);
      else other.push(`${field} ${problem}`);
    }
    const first = fields.find((field) => error.fields && error.fields[field]);
    this.showFormError(first && !other.length
      ? 'Please correct the marked fields.'
      : `${error.message}${other.length ? ` (${other.join('; ')})` : ''}`);
    if (first) this.input(first).focus();
  }

  // --- modes --------------------------------------------------------------

  setSaving(saving) {
    this.saving = saving;
    const button = $('#save');
    button.disabled = saving;
    this.form.setAttribute('aria-busy', String(saving));
    button.textContent = saving ? 'Saving…' : this.mode === 'edit' ? 'Save changes' : 'Create customer';
  }

  startCreate(values = { name: '', phone: '', email: '' }) {
    this.mode = 'create';
    this.editing = null;
    this.submission = null;
    clearConflict(this.conflict);
    this.clearErrors();
    this.setValues(values);
    $('#form-title').textContent = 'New customer';
    show($('#form-context'), false);
    $('#form-context').classList.remove('warning');
    show($('#cancel'), false);
    this.form.classList.remove('editing');
    this.setSaving(false);
  }

  // returnFocus: a function giving the element to focus when the edit ends.
  startEdit(customer, { returnFocus } = {}) {
    this.startCreate();
    this.mode = 'edit';
    this.editing = { customer: { ...customer }, returnFocus };
    this.setValues(customer);
    $('#form-title').textContent = `Edit ${customer.name}`;
    const context = $('#form-context');
    context.textContent = `Customer ${customer.id}, version ${customer.version}. Escape cancels.`;
    show(context);
    show($('#cancel'));
    this.form.classList.add('editing');
    this.setSaving(false);
    // 'nearest': no jump when the form is in view already (the sticky column).
    this.form.scrollIntoView({ block: 'nearest', behavior: 'instant' });
    this.input('name').focus({ preventScroll: true });
  }

  editingId() {
    return this.editing ? this.editing.customer.id : null;
  }

  // Ends an edit; with unsaved input, a toast offers to bring it back.
  cancel() {
    if (this.mode !== 'edit') return;
    const { customer, returnFocus } = this.editing;
    const typed = this.values();
    const dirty = this.isDirty();
    this.startCreate();
    const target = returnFocus && returnFocus();
    if (target) target.focus();
    else $('#list-title').focus();
    if (dirty) {
      toast(`Stopped editing ${customer.name}; your changes were not saved.`, {
        timeout: 10000,
        action: { label: 'Undo', run: async () => {
          this.startEdit(customer, { returnFocus });
          this.setValues(typed);
        } },
      });
    }
  }

  // A customer the list or details view now shows: when it is the one being
  // edited and the server has moved on, say so before the user saves.
  noticeCurrent(customer) {
    if (!this.editing || customer.id !== this.editing.customer.id) return;
    if (customer.version > this.editing.customer.version && this.conflict.hidden) {
      const context = $('#form-context');
      context.textContent = `Customer ${customer.id} is now at version ${customer.version} `
        + `(you started from ${this.editing.customer.version}); saving will show both.`;
      context.classList.add('warning');
    }
  }

  // --- saving -------------------------------------------------------------

  async submit({ overwriteVersion } = {}) {
    if (this.saving) return;
    this.clearErrors();
    const values = this.values();
    if (characters(values.name) > maxNameLength) {
      this.showFieldError('name', `must be at most ${maxNameLength} characters`);
      this.showFormError('Please correct the marked fields.');
      this.input('name').focus();
      return;
    }
    this.setSaving(true);
    try {
      if (this.mode === 'edit') await this.saveEdit(values, overwriteVersion);
      else await this.saveNew(values);
    } catch (error) {
      this.handleError(error, values);
    } finally {
      this.setSaving(false);
    }
  }

  async saveNew(values) {
    const signature = JSON.stringify(values);
    if (!this.submission || this.submission.signature !== signature) {
      this.submission = { signature, key: newIdempotencyKey() };
    }
    const { data } = await api.create(values, this.submission.key);
    this.startCreate();
    toast(`Created ${data.name} (customer ${data.id}).`);
    this.onSaved(data, { created: true });
    this.input('name').focus();
  }

  async saveEdit(values, overwriteVersion) {
    const { customer, returnFocus } = this.editing;
    const version = overwriteVersion ?? customer.version;
    const { data } = await api.replace(customer.id, version, values);
    this.startCreate();
    toast(`Saved ${data.name} (version ${data.version}).`);
    await this.onSaved(data, { created: false });
    const target = returnFocus && returnFocus();
    if (target) target.focus();
  }

  handleError(error, values) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 400 && error.fields) {
      this.showApiErrors(error);
    } else if (error.status === 412 && this.mode === 'edit') {
      this.showConflict(values);
    } else if (error.status === 404 && this.mode === 'edit') {
      renderDeleted(this.conflict, { onCreateNew: () => this.startCreate(values) });
    } else {
      // Kept: a retry of this submission sends the same Idempotency-Key.
      this.showFormError(`Not saved. ${error.message}`);
    }
  }

  async showConflict(mine) {
    const { customer } = this.editing;
    let theirs;
    try {
      ({ data: theirs } = await api.get(customer.id));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        renderDeleted(this.conflict, { onCreateNew: () => this.startCreate(mine) });
      } else {
        this.showFormError(`Not saved: the customer changed meanwhile, and loading it failed. ${error.message}`);
      }
      return;
    }
    this.showFormError('Not saved: this customer was changed by someone else. Compare and choose below.');
    renderConflict(this.conflict, {
      theirs, mine, original: customer,
      onReload: () => {
        this.editing.customer = { ...theirs };
        this.setValues(theirs);
        $('#form-title').textContent = `Edit ${theirs.name}`;
        $('#form-context').textContent = `Customer ${theirs.id}, version ${theirs.version}. Escape cancels.`;
        $('#form-context').classList.remove('warning');
        $('#form-error').hidden = true;
        renderKeptInput(this.conflict, {
          mine, original: customer, version: theirs.version,
          // Only the fields the user had changed: the rest keeps their new values.
          onRestore: (changed) => {
            const values = this.values();
            for (const field of changed) values[field] = mine[field];
            this.setValues(values);
            clearConflict(this.conflict);
            this.input('name').focus();
          },
        });
        this.input('name').focus();
      },
      onOverwrite: () => {
        this.editing.customer = { ...this.editing.customer, version: theirs.version };
        this.setValues(mine);
        clearConflict(this.conflict);
        this.submit({ overwriteVersion: theirs.version });
      },
    });
    $('#conflict-overwrite').focus();
  }
}
