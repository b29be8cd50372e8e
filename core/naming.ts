// Name conversions shared by the compiler and the generators: singular/plural English nouns and case styles.

/** `table[key]` for own properties only, so words such as "__proto__" or "constructor" never hit Object.prototype. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const IRREGULAR_PLURALS: Record<string, string> = {
  person: 'people',
  child: 'children',
  man: 'men',
  woman: 'women',
  mouse: 'mice',
  goose: 'geese',
  foot: 'feet',
  tooth: 'teeth',
  criterion: 'criteria',
  datum: 'data',
  analysis: 'analyses',
  diagnosis: 'diagnoses',
  leaf: 'leaves',
  life: 'lives',
  wife: 'wives',
  knife: 'knives',
  half: 'halves',
  shelf: 'shelves',
};
const IRREGULAR_SINGULARS: Record<string, string> = Object.fromEntries(
  Object.entries(IRREGULAR_PLURALS).map(([one, many]) => [many, one]),
);
/** Words whose singular and plural are the same. */
const UNCOUNTABLE = new Set([
  'data',
  'information',
  'equipment',
  'feedback',
  'inventory',
  'metadata',
  'news',
  'series',
  'species',
  'software',
  'staff',
  'media',
]);
/** Singulars ending in "s" that must not lose it. */
const SINGULAR_S = new Set([
  'status',
  'address',
  'business',
  'campus',
  'bus',
  'class',
  'process',
  'access',
  'alias',
  'analysis',
  'basis',
  'canvas',
  'census',
  'chassis',
  'diagnosis',
  'gps',
  'lens',
  'bonus',
  'virus',
  'atlas',
  'sms',
  'kudos',
]);

/** Short words are left alone except these plurals ("has", "its" and "is" are not plurals). */
const SHORT_PLURALS: Record<string, string> = { ads: 'ad', ids: 'id', pcs: 'pc', kgs: 'kg', tvs: 'tv', pets: 'pet' };

/** Singular form of one lowercase English noun: `categories` → `category`, `people` → `person`. */
export function singularize(word: string): string {
  const w = word.toLowerCase();
  if (UNCOUNTABLE.has(w) || SINGULAR_S.has(w)) return w;
  const irregular = own(IRREGULAR_SINGULARS, w);
  if (irregular) return irregular;
  if (own(IRREGULAR_PLURALS, w)) return w;
  if (w.length <= 3) return own(SHORT_PLURALS, w) ?? w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses') || w.endsWith('shes') || w.endsWith('ches') || w.endsWith('xes') || w.endsWith('zzes')) {
    return w.slice(0, -2);
  }
  if (w.endsWith('uses') && !w.endsWith('ouses')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

/** Plural form of one lowercase English noun: `category` → `categories`, `person` → `people`. */
export function pluralize(word: string): string {
  const w = word.toLowerCase();
  if (UNCOUNTABLE.has(w)) return w;
  const irregular = own(IRREGULAR_PLURALS, w);
  if (irregular) return irregular;
  if (own(IRREGULAR_SINGULARS, w)) return w;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  if (/(s|sh|ch|x|z)$/.test(w)) return `${w}es`;
  return `${w}s`;
}

/** Splits any of camelCase, PascalCase, snake_case, kebab-case or spaced words into lowercase words. */
export function splitWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

export function pascalCase(text: string): string {
  return splitWords(text)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export function camelCase(text: string): string {
  const pascal = pascalCase(text);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

export function snakeCase(text: string): string {
  return splitWords(text).join('_');
}

export function kebabCase(text: string): string {
  return splitWords(text).join('-');
}

/** Pluralises the last word of a multi-word name: `line item` → `line items`. */
function pluralizeLast(words: string[]): string[] {
  if (words.length === 0) return words;
  return [...words.slice(0, -1), pluralize(words[words.length - 1] ?? '')];
}

/** Singular PascalCase entity name from any noun phrase: `line items` → `LineItem`. */
export function entityName(phrase: string): string {
  const words = splitWords(phrase);
  if (words.length === 0) return '';
  const last = words[words.length - 1] ?? '';
  return pascalCase([...words.slice(0, -1), singularize(last)].join(' '));
}

/** snake_case plural table name for an entity: `LineItem` → `line_items`. */
export function tableName(entity: string): string {
  return pluralizeLast(splitWords(entity)).join('_');
}

/** kebab-case plural URL segment for an entity: `LineItem` → `line-items`. */
export function resourceName(entity: string): string {
  return pluralizeLast(splitWords(entity)).join('-');
}

/** Foreign-key column naming the "one" side: `Customer` → `customer_id`. */
export function foreignKeyName(entity: string): string {
  return `${snakeCase(entity)}_id`;
}

/** Join table for a many-to-many pair, names sorted so either direction gives the same table. */
export function joinTableName(a: string, b: string): string {
  const [first, second] = [snakeCase(a), snakeCase(b)].sort();
  return `${first}_${tableName(second ?? '')}`;
}

/** Code-unit string order: the same on every machine and locale, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
