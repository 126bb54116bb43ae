// Building DOM nodes without HTML strings: every value lands as text, so a
// customer named "<img onerror=…>" stays inert.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// h('button', { class: 'x', type: 'button', onclick: fn }, 'Edit') -> <button>.
// Attributes false/null/undefined are left out; true becomes an empty one.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// Shows or hides an element with the hidden attribute.
export function show(element, visible = true) {
  element.hidden = !visible;
}
