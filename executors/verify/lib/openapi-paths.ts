// Compares the operations an OpenAPI document declares with the ones the running app serves.
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** `/items/{item_id}/` → `/items/{}`: parameter names and trailing slashes do not change what is served. */
export function normalisePath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.replace(/\{[^}]*\}/g, '{}');
}

/** `METHOD /normalised/path` for every operation, keyed to the path as written. */
export function operations(document: unknown): Map<string, string> {
  const result = new Map<string, string>();
  const paths = (document as { paths?: Record<string, Record<string, unknown>> } | undefined)?.paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    if (!item || typeof item !== 'object') continue;
    for (const method of Object.keys(item)) {
      if (METHODS.includes(method)) result.set(`${method.toUpperCase()} ${normalisePath(path)}`, path);
    }
  }
  return result;
}

export interface OperationRef {
  /** `METHOD /normalised/path`. */
  operation: string;
  /** The path as the document writes it. */
  path: string;
}

/** Operations in `declared` that `served` lacks, and the reverse; sorted. */
export function compareOperations(
  declared: unknown,
  served: unknown,
): { notServed: OperationRef[]; undocumented: OperationRef[] } {
  const want = operations(declared);
  const have = operations(served);
  const missingFrom = (from: Map<string, string>, other: Map<string, string>) =>
    [...from.entries()]
      .filter(([key]) => !other.has(key))
      .map(([operation, path]) => ({ operation, path }))
      .sort((a, b) => a.operation.localeCompare(b.operation));
  return { notServed: missingFrom(want, have), undocumented: missingFrom(have, want) };
}
