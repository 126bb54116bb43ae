// The panel shown when a save meets a newer version (412): field by field,
// what the server has now next to what the user typed, with Reload (take
// theirs) and Overwrite (send mine again against the new version). The
// user's input is never thrown away: after Reload their changes stay here,
// with a way to apply them again on top of the new version.

import { h } from './dom.js';
import { shortTime } from './format.js';

export const fieldLabels = { name: 'Name', phone: 'Phone', email: 'E-mail' };
const fields = Object.keys(fieldLabels);

function valueCell(value, className) {
  return h('td', { class: className }, value === '' ? h('em', {}, '(empty)') : value);
}

// theirs: the customer as the server has it now; mine: the form's values;
// original: the values the edit started from.
export function renderConflict(container, { theirs, mine, original, onReload, onOverwrite }) {
  const rows = fields.map((field) => {
    const changedByThem = theirs[field] !== original[field];
    const differs = theirs[field] !== mine[field];
    return h('tr', { class: differs ? 'differs' : '', dataset: { field } },
      h('th', { scope: 'row' }, fieldLabels[field],
        changedByThem ? h('span', { class: 'badge' }, 'changed') : null),
      valueCell(theirs[field], 'theirs'),
      valueCell(mine[field], 'mine'));
  });
  const by = theirs.updated_by ? ` by ${theirs.updated_by}` : '';
  container.replaceChildren(
    h('h3', { id: 'conflict-title' }, 'Someone else saved this customer while you were editing'),
    h('p', {}, `It is now at version ${theirs.version}, saved ${shortTime(theirs.updated_on)}${by}. `
      + 'Nothing of yours was saved yet.'),
    h('div', { class: 'table-scroll' }, h('table', { class: 'diff' },
      h('caption', { class: 'visually-hidden' }, 'Saved values next to your input'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Field'),
        h('th', { scope: 'col' }, `Saved now (v${theirs.version})`),
        h('th', { scope: 'col' }, 'Your input'))),
      h('tbody', {}, rows))),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'conflict-reload', onclick: onReload },
        'Reload (take theirs)'),
      h('button', { type: 'button', class: 'primary', id: 'conflict-overwrite', onclick: onOverwrite },
        'Overwrite with mine')));
  container.hidden = false;
  container.setAttribute('role', 'region');
  container.setAttribute('aria-labelledby', 'conflict-title');
}

// After Reload: the user's changes (the fields they had edited), kept for
// reference, and a way to apply them again on top of the reloaded version.
export function renderKeptInput(container, { mine, original, version, onRestore }) {
  const changed = fields.filter((field) => mine[field] !== original[field]);
  const shown = changed.length ? changed : fields;
  container.replaceChildren(
    h('h3', { id: 'conflict-title' }, 'Your changes are kept here'),
    h('p', {}, `The form now shows version ${version}. What you had typed:`),
    h('dl', { class: 'kept' }, shown.flatMap((field) => [
      h('dt', {}, fieldLabels[field]),
      h('dd', { dataset: { field } }, mine[field] === '' ? h('em', {}, '(empty)') : mine[field]),
    ])),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'conflict-restore', onclick: () => onRestore(changed) },
        'Put my changes back')));
  container.hidden = false;
}

// The customer was deleted meanwhile: the input stays in the form.
export function renderDeleted(container, { onCreateNew }) {
  container.replaceChildren(
    h('h3', { id: 'conflict-title' }, 'This customer was deleted meanwhile'),
    h('p', {}, 'Someone deleted it while you were editing. Your input is still in the form.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'conflict-create', onclick: onCreateNew },
        'Save as a new customer')));
  container.hidden = false;
}

export function clearConflict(container) {
  container.replaceChildren();
  container.hidden = true;
}
