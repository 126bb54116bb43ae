// Times as people read them, in the browser's own time zone and language.

const shortFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const longFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

// The API sends microseconds ("…:30.123456Z"); Date takes milliseconds.
export function parseTimestamp(text) {
  if (!text) return null;
  const date = new Date(String(text).replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function shortTime(text) {
  const date = parseTimestamp(text);
  return date ? shortFormat.format(date) : '';
}

export function longTime(text) {
  const date = parseTimestamp(text);
  return date ? longFormat.format(date) : '';
}

// "5 minutes ago", "yesterday", ...
export function relativeTime(text, now = Date.now()) {
  const date = parseTimestamp(text);
  if (!date) return '';
  const seconds = Math.round((date.getTime() - now) / 1000);
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month']];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return relativeFormat.format(value, unit);
    value = Math.round(value / size);
  }
  return relativeFormat.format(value, 'year');
}

// <time datetime="…" title="Tuesday, 1 December 2026 at 07:12:03 CET">1 Dec 2026, 07:12</time>
export function timeElement(text) {
  const element = document.createElement('time');
  element.dateTime = text || '';
  element.textContent = shortTime(text);
  element.title = longTime(text);
  return element;
}
