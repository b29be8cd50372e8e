// Field names and types read from prose: "date of birth" → `date_of_birth: date`, "amount" → `decimal`.

import { own, snakeCase } from '../../../core/naming.js';
import type { FieldType } from '../../../schemas/common.js';

const RENAMES: Record<string, string> = {
  email_address: 'email',
  e_mail: 'email',
  mail: 'email',
  phone_number: 'phone',
  telephone: 'phone',
  telephone_number: 'phone',
  mobile_number: 'phone',
  dob: 'date_of_birth',
  birth_date: 'date_of_birth',
  birthdate: 'date_of_birth',
  birthday: 'date_of_birth',
  social_security_number: 'ssn',
  social_security: 'ssn',
  postal_code: 'zip_code',
  zip: 'zip_code',
  postcode: 'zip_code',
};

const RULES: [RegExp, FieldType][] = [
  [/(^|_)email$/, 'email'],
  [/(^|_)(url|website|link|homepage)$/, 'url'],
  [/(_at|timestamp|_time|^time)$/, 'datetime'],
  [/(^|_)(date|dob|birth|day|deadline|due)$|^date_|_date$|_on$/, 'date'],
  [
    /(amount|price|total|balance|cost|fee|salary|subtotal|tax|revenue|budget|wage|rate|weight|height|width|length|latitude|longitude|percent|percentage)$/,
    'decimal',
  ],
  [
    /(quantity|count|age|qty|stock|year|years|duration|minutes|seconds|capacity|rating|score|level|number_of_\w+)$/,
    'integer',
  ],
  [/^(is|has|can)_|(active|enabled|verified|paid|archived|deleted|approved|consented|flag)$/, 'boolean'],
  [/(description|notes|note|bio|comment|body|content|summary|details|message|text|reason|instructions)$/, 'text'],
  [/(metadata|settings|attributes|preferences|payload)$/, 'json'],
  [/_id$|^uuid$/, 'uuid'],
];

/** A snake_case field name from the words of a list item, or undefined when they do not make a name. */
export function fieldNameOf(words: string[]): string | undefined {
  const cleaned = words.filter((w) => w !== 'field' && w !== 'fields' && w !== 'optional' && w !== 'their');
  const name = snakeCase(cleaned.join(' '));
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) return undefined;
  return own(RENAMES, name) ?? name;
}

export function fieldTypeOf(name: string): FieldType {
  for (const [pattern, type] of RULES) if (pattern.test(name)) return type;
  return 'string';
}
