// Deterministic sample values for generated tests: variant n of each field satisfies its type, bounds and pattern,
// and unique fields differ between variants.
import type { ViewField } from './fastapi-view.js';
import { sampleRegex } from './regex-sample.js';

/** Number of distinct variants the generated tests may use per entity. */
export const SAMPLE_VARIANTS = 8;

/** A Python literal. Strings go through JSON escaping, which Python reads the same way. */
export type PyValue = string | number | boolean | null | { [key: string]: PyValue };

export function pyLiteral(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}: ${pyLiteral(value[key] as PyValue)}`);
  return `{${entries.join(', ')}}`;
}

const CLASSES: Record<string, string> = { d: '0123456789', w: 'abcdefghij', s: ' ' };

/**
 * A string matching simple patterns (literals, `[...]` classes, `\d`, `\w`, `{n}`/`{m,n}`/`+`/`*`/`?`, anchors) with
 * `n` folded into the last variable part; undefined when the pattern uses anything else.
 */
export function sampleForPattern(pattern: string, n: number): string | undefined {
  const atoms: { chars: string; min: number }[] = [];
  let i = pattern.startsWith('^') ? 1 : 0;
  const end = pattern.endsWith('$') && !pattern.endsWith('\\$') ? pattern.length - 1 : pattern.length;
  while (i < end) {
    const c = pattern[i] as string;
    let chars: string;
    if (c === '\\') {
      const next = pattern[i + 1] as string;
      chars = CLASSES[next] ?? next;
      i += 2;
    } else if (c === '[') {
      const close = pattern.indexOf(']', i);
      if (close < 0 || pattern[i + 1] === '^') return undefined;
      const body = pattern.slice(i + 1, close);
      chars = '';
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && j + 2 < body.length) {
          for (let code = body.charCodeAt(j); code <= body.charCodeAt(j + 2); code++)
            chars += String.fromCharCode(code);
          j += 2;
        } else chars += body[j];
      }
      i = close + 1;
    } else if ('()|.'.includes(c)) {
      return undefined;
    } else {
      chars = c;
      i += 1;
    }
    let min = 1;
    const q = pattern[i];
    if (q === '{') {
      const close = pattern.indexOf('}', i);
      const parts = pattern.slice(i + 1, close).split(',');
      min = Number(parts[0]);
      if (!Number.isInteger(min)) return undefined;
      i = close + 1;
    } else if (q === '+' || q === '*' || q === '?') {
      min = q === '+' ? 1 : q === '*' ? 0 : 0;
      if (q === '+') min = 1;
      i += 1;
    }
    atoms.push({ chars, min });
  }
  // Fold n into the repeatable atoms from the right, like digits of a counter.
  let counter = n;
  const out: string[][] = atoms.map((atom) => Array.from({ length: atom.min }, () => atom.chars[0] as string));
  for (let a = atoms.length - 1; a >= 0 && counter > 0; a--) {
    const atom = atoms[a] as { chars: string; min: number };
    const slots = out[a] as string[];
    for (let s = slots.length - 1; s >= 0 && counter > 0; s--) {
      if (atom.chars.length < 2) continue;
      slots[s] = atom.chars[counter % atom.chars.length] as string;
      counter = Math.floor(counter / atom.chars.length);
    }
  }
  return out.map((slots) => slots.join('')).join('');
}

function fitLength(text: string, field: ViewField): string {
  let value = text;
  const max = field.max ?? (field.type === 'string' ? 255 : undefined);
  if (max !== undefined && value.length > max) value = value.slice(0, Math.max(0, max - 1)) + value.slice(-1);
  if (field.min !== undefined) while (value.length < field.min) value = `x${value}`;
  return value;
}

/** Variant `n` (0-based) of a field's value, as a JSON-ready value. */
export function sampleValue(field: ViewField, n: number): PyValue {
  if (field.pattern) {
    const matched = sampleForPattern(field.pattern, n) ?? sampleRegex(field.pattern, n);
    if (matched !== undefined) return matched;
  }
  const letter = 'abcdefghij'[n % 10] as string;
  switch (field.type) {
    case 'string':
      if (field.classification === 'pan') return fitLength(`4111111111${String(111234 + n)}`, field);
      if (field.max !== undefined && field.max <= 4) return fitLength(letter.repeat(field.max).toUpperCase(), field);
      return fitLength(`${field.name}-${n}`, field);
    case 'text':
      return fitLength(`Sample ${field.name.replace(/_/g, ' ')} ${n}.`, field);
    case 'email':
      return `${field.name.replace(/_/g, '.')}${n}@example.com`;
    case 'url':
      return `https://example.com/${field.name}/${n}`;
    case 'uuid':
      return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    case 'integer': {
      const low = field.min ?? 1;
      const value = low + n;
      return field.max !== undefined ? Math.min(value, field.max) : value;
    }
    case 'decimal': {
      const low = Math.ceil(field.min ?? 0);
      const whole = field.max !== undefined ? Math.min(low + 10 + n, Math.floor(field.max) - 1) : low + 10 + n;
      return `${whole}.${n % 2 === 0 ? '50' : '25'}`;
    }
    case 'boolean':
      return n % 2 === 0;
    case 'date':
      return `2024-01-${String(n + 1).padStart(2, '0')}`;
    case 'datetime':
      return `2024-01-${String(n + 1).padStart(2, '0')}T10:30:00+00:00`;
    case 'json':
      return { variant: n };
    case 'enum': {
      const values = field.values ?? ['value'];
      return values[n % values.length] as string;
    }
    default:
      return `${field.name}-${n}`;
  }
}

/** A value of the wrong type for the field, for 422 tests; undefined for types that accept any text. */
export function invalidValue(field: ViewField): PyValue | undefined {
  switch (field.type) {
    case 'integer':
    case 'decimal':
      return 'not-a-number';
    case 'boolean':
      return 'not-a-boolean';
    case 'date':
    case 'datetime':
      return 'not-a-date';
    case 'email':
      return 'not-an-email';
    case 'enum':
      return 'not-a-listed-value';
    default:
      return undefined;
  }
}
