// Reads pytest's JUnit XML (xunit1 family, which carries `file` and `line`) into counts and failing cases.
export interface JunitCase {
  classname: string;
  name: string;
  file?: string;
  /** 1-based. */
  line?: number;
  outcome: 'passed' | 'failed' | 'error' | 'skipped';
  message?: string;
}

export interface JunitSummary {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  cases: JunitCase[];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number.parseInt(dec, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of tag.matchAll(/([A-Za-z_:][-\w:.]*)="([^"]*)"/g)) attrs[match[1]!] = unescapeXml(match[2]!);
  return attrs;
}

export function parseJunit(xml: string): JunitSummary {
  const summary: JunitSummary = { passed: 0, failed: 0, errors: 0, skipped: 0, cases: [] };
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = attributes(match[1]!);
    const body = match[3] ?? '';
    const child = /<(failure|error|skipped)\b([^>]*)/.exec(body);
    const kind = child?.[1];
    const outcome =
      kind === 'failure' ? 'failed' : kind === 'error' ? 'error' : kind === 'skipped' ? 'skipped' : 'passed';
    // pytest writes the 0-based line of the test function.
    const line = attrs.line !== undefined && /^\d+$/.test(attrs.line) ? Number(attrs.line) + 1 : undefined;
    const message = child ? attributes(child[2]!).message : undefined;
    summary.cases.push({
      classname: attrs.classname ?? '',
      name: attrs.name ?? '',
      ...(attrs.file ? { file: attrs.file } : {}),
      ...(line !== undefined ? { line } : {}),
      outcome,
      ...(message ? { message } : {}),
    });
    if (outcome === 'failed') summary.failed++;
    else if (outcome === 'error') summary.errors++;
    else if (outcome === 'skipped') summary.skipped++;
    else summary.passed++;
  }
  return summary;
}
