// Reads the generated service's declared dependencies (requirements.txt, package.json) for the SBOMs. Versions are
// recorded as declared: an exact pin becomes the purl version, a range stays a range and the purl carries no version.
import { normalizePypiName, readRequirementLines } from '../../../core/requirements-txt.js';

export { normalizePypiName };

export interface Dependency {
  ecosystem: 'pypi' | 'npm';
  /** Normalised package name (PEP 503 for PyPI). */
  name: string;
  /** Exact version when the declaration pins one (`==1.2.3`, `1.2.3`), else undefined. */
  version?: string;
  /** The declared requirement, verbatim minus comments: `fastapi>=0.92,<1`. */
  requirement: string;
  /** `pkg:pypi/fastapi@0.92.0`, or without `@version` when only a range is declared. */
  purl: string;
  /** File the declaration came from, relative to the service root. */
  source: string;
  scope: 'required' | 'optional';
  /** The version the verify stage's test run imported (PyPI only), when a verify report was given. */
  testedVersion?: string;
}

function purlEncode(segment: string): string {
  return encodeURIComponent(segment).replace(/%2F/gi, '/');
}

/** Parses requirements.txt lines; options (`-r`, `--hash`, `-e`) and URLs are skipped, markers and extras dropped. */
export function parseRequirements(text: string, source: string): Dependency[] {
  return readRequirementLines(text).map(({ name, normalizedName, extras, spec, version }) => ({
    ecosystem: 'pypi',
    name: normalizedName,
    version,
    requirement: `${name}${extras}${spec}`,
    purl: `pkg:pypi/${purlEncode(normalizedName)}${version ? `@${purlEncode(version)}` : ''}`,
    source,
    scope: 'required',
  }));
}

const EXACT_SEMVER = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/** Reads `dependencies` (required) and `devDependencies`/`optionalDependencies` (optional) from package.json. */
export function parsePackageJson(text: string, source: string): Dependency[] {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const deps: Dependency[] = [];
  const groups: [string, Dependency['scope']][] = [
    ['dependencies', 'required'],
    ['optionalDependencies', 'optional'],
    ['devDependencies', 'optional'],
  ];
  for (const [key, scope] of groups) {
    const group = manifest[key];
    if (group === null || typeof group !== 'object') continue;
    for (const [name, range] of Object.entries(group as Record<string, unknown>)) {
      if (typeof range !== 'string' || deps.some((d) => d.name === name)) continue;
      const version = EXACT_SEMVER.exec(range.trim())?.[1];
      const [scopePart, bare] = name.startsWith('@') ? name.split('/', 2) : [undefined, name];
      const path = scopePart ? `${purlEncode(scopePart)}/${purlEncode(bare ?? '')}` : purlEncode(name);
      deps.push({
        ecosystem: 'npm',
        name,
        version,
        requirement: `${name}@${range}`,
        purl: `pkg:npm/${path}${version ? `@${purlEncode(version)}` : ''}`,
        source,
        scope,
      });
    }
  }
  return deps;
}

/** Every dependency declared by the files of a service, sorted by purl then source (stable SBOM order). */
export function readDependencies(files: readonly { path: string; content: Uint8Array }[]): Dependency[] {
  const decoder = new TextDecoder();
  const deps: Dependency[] = [];
  for (const file of files) {
    const base = file.path.split('/').pop() ?? '';
    if (/^requirements(-[a-z0-9]+)?\.txt$/.test(base)) {
      const found = parseRequirements(decoder.decode(file.content), file.path);
      const optional = base !== 'requirements.txt';
      deps.push(...found.map((d) => (optional ? { ...d, scope: 'optional' as const } : d)));
    } else if (base === 'package.json' && !file.path.includes('node_modules/')) {
      deps.push(...parsePackageJson(decoder.decode(file.content), file.path));
    }
  }
  const key = (d: Dependency) => `${d.purl}|${d.source}`;
  const sorted = deps.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  // A file naming the same package twice keeps its first line: one component per (purl, file).
  return sorted.filter((dep, i) => i === 0 || key(sorted[i - 1]!) !== key(dep));
}

/**
 * Marks each PyPI dependency with the version the verify stage's tests imported (`tested.packages`, keyed by PEP 503
 * name); dependencies the tests never imported stay unmarked.
 */
export function withTestedVersions(deps: Dependency[], tested: Record<string, string> | undefined): Dependency[] {
  if (!tested) return deps;
  return deps.map((dep) => {
    const testedVersion = dep.ecosystem === 'pypi' ? tested[dep.name] : undefined;
    return testedVersion ? { ...dep, testedVersion } : dep;
  });
}
