// Reads pip requirements files: the one parser behind the package stage's SBOM and the verify stage's pin check.

export interface RequirementLine {
  /** The name as written: `Flask_SQLAlchemy`. */
  name: string;
  /** PEP 503 normalised name: `flask-sqlalchemy`. */
  normalizedName: string;
  /** Extras as written, brackets included (`[binary]`), or ''. */
  extras: string;
  /** The version specifier without spaces (`==1.4.46`, `>=0.92,<1`), or ''. */
  spec: string;
  /** The version of an exact pin (`==1.2.3`, `===1.2.3`, no wildcard), else undefined. */
  version?: string;
  /** How `version` is pinned: `==` (PEP 440 equality) or `===` (the same string). */
  operator?: '==' | '===';
  /** The 1-based line the requirement starts on (a `\` continuation joins the next lines to it). */
  line: number;
}

/** PEP 503 name normalisation, which the pypi purl type also asks for. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Physical lines joined at `\` continuations, each with the line it starts on. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    pending ??= { text: '', line: index + 1 };
    if (raw.endsWith('\\')) {
      pending.text += `${raw.slice(0, -1)} `;
      return;
    }
    pending.text += raw;
    out.push(pending);
    pending = undefined;
  });
  if (pending) out.push(pending);
  return out;
}

/** The requirements of a requirements.txt; options (`-r`, `--hash`, `-e`) and URLs are skipped, markers dropped. */
export function readRequirementLines(text: string): RequirementLine[] {
  const requirements: RequirementLine[] = [];
  for (const logical of logicalLines(text)) {
    const line = logical.text.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) continue;
    const requirement = line.split(/\s+--/)[0]!.split(';')[0]!.trim();
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(requirement);
    if (!match) continue;
    const spec = match[3]!.replace(/\s+/g, '');
    const pin = /^(===?)([A-Za-z0-9.+!_-]+)$/.exec(spec);
    const exact = pin && !pin[2]!.includes('*');
    requirements.push({
      name: match[1]!,
      normalizedName: normalizePypiName(match[1]!),
      extras: match[2] ?? '',
      spec,
      version: exact ? pin[2] : undefined,
      operator: exact ? (pin[1] as '==' | '===') : undefined,
      line: logical.line,
    });
  }
  return requirements;
}
