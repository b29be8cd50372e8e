// PEP 440 version matching for exact pins: whether `name==pin` (or `===pin`) accepts an installed version, as pip decides.

interface ParsedVersion {
  /** Epoch, release (trailing zeros dropped), pre, post and dev in normal form: `0!1.8.1.dev0`. */
  public: string;
  /** Local label with `.` separators, or ''. */
  local: string;
}

const PRE_NAMES: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

// epoch! release, pre (a1, beta.2, rc), post (-1, .post1, rev1), dev (.dev0) and +local, with PEP 440's spelling freedom.
const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

/** PEP 440's normal form, or undefined for a version PEP 440 does not accept. */
function parseVersion(text: string): ParsedVersion | undefined {
  const match = VERSION.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const [, epoch, release, preName, preNumber, postBare, postName, postNumber, devName, devNumber, local] = match;
  const numbers = release!.split('.').map((part) => String(Number(part)));
  while (numbers.length > 1 && numbers.at(-1) === '0') numbers.pop();
  let normal = `${Number(epoch ?? 0)}!${numbers.join('.')}`;
  if (preName) normal += `${PRE_NAMES[preName]}${Number(preNumber || 0)}`;
  if (postBare !== undefined || postName) normal += `.post${Number(postBare ?? (postNumber || 0))}`;
  if (devName) normal += `.dev${Number(devNumber || 0)}`;
  return { public: normal, local: (local ?? '').replace(/[-_]/g, '.') };
}

/**
 * Whether `installed` satisfies the pin. `==` compares PEP 440 normal forms, zero-padding the release and ignoring the
 * installed version's local label when the pin has none (`1.0.0+repack` satisfies `==1.0`); `1.8.1.dev0` is a
 * pre-release of 1.8.1, so it does not satisfy `==1.8.1`. `===` compares the strings.
 */
export function satisfiesPin(operator: '==' | '===', pinned: string, installed: string): boolean {
  if (operator === '===') return pinned.trim().toLowerCase() === installed.trim().toLowerCase();
  const pin = parseVersion(pinned);
  const have = parseVersion(installed);
  if (!pin || !have) return pinned.trim().toLowerCase() === installed.trim().toLowerCase();
  if (pin.public !== have.public) return false;
  return pin.local === '' || pin.local === have.local;
}
