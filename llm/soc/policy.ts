// What an agent may write: allowed globs (which imply file types), the security scaffold that is never written unless
// `llm.allowScaffold` names it, and limits on count and size.
import picomatch from 'picomatch';
import type { LocatedFile } from './answer-file.js';
import type { SocProblem } from './rejection.js';

export interface AnswerPolicy {
  /**
   * Globs of paths the agent may write, relative to the service root. A glob's last segment names the file types it
   * allows: `*.py` allows `.py`, `*.{py,md}` both; a last segment with no extension (`**`, `test_*`) allows only
   * {@link DEFAULT_TEXT_EXTENSIONS}; a literal path allows itself.
   */
  allowed: readonly string[];
  /** Globs never written whatever `allowed` says; matched ignoring case. @default FORBIDDEN_SCAFFOLD */
  forbidden?: readonly string[];
  /** Paths or globs written even though `forbidden` matches them (`llm.allowScaffold`). @default [] */
  allowScaffold?: readonly string[];
  /** @default 20 */
  maxFiles?: number;
  /** UTF-8 bytes per file. @default 200_000 */
  maxFileBytes?: number;
  /** UTF-8 bytes of all files together. @default 1_000_000 */
  maxTotalBytes?: number;
}

export type ResolvedAnswerPolicy = Required<AnswerPolicy>;

/**
 * The security scaffold qlf generates and verifies; a model that rewrites it could switch off authentication or audit.
 * The `.git` and CI folders are here because writing there runs code (hooks, workflows).
 */
export const FORBIDDEN_SCAFFOLD: readonly string[] = Object.freeze([
  'app/security.py',
  'app/security/**',
  'app/auth*.py',
  'app/auth*/**',
  'app/crypto*.py',
  'app/crypto*/**',
  'app/audit*.py',
  'app/audit*/**',
  'app/middleware.py',
  'app/metrics.py',
  '**/.git/**',
  '.github/**',
]);

/** File types a glob with no extension in its last segment allows. */
export const DEFAULT_TEXT_EXTENSIONS: ReadonlySet<string> = new Set([
  '.py',
  '.pyi',
  '.md',
  '.txt',
  '.json',
  '.yaml',
  '.yml',
  '.toml',
  '.sql',
  '.csv',
]);

const POLICY_DEFAULTS = Object.freeze({
  forbidden: FORBIDDEN_SCAFFOLD,
  allowScaffold: [],
  maxFiles: 20,
  maxFileBytes: 200_000,
  maxTotalBytes: 1_000_000,
}) satisfies Omit<ResolvedAnswerPolicy, 'allowed'>;

/** What the domain agent writes by default: extension modules under `app/domain/` and their tests. */
export const DOMAIN_ANSWER_POLICY: AnswerPolicy = Object.freeze({
  allowed: Object.freeze(['app/domain/**/*.py', 'tests/test_domain_*.py']),
});

export function resolveAnswerPolicy(policy: AnswerPolicy): ResolvedAnswerPolicy {
  return {
    allowed: policy.allowed,
    forbidden: policy.forbidden ?? POLICY_DEFAULTS.forbidden,
    allowScaffold: policy.allowScaffold ?? POLICY_DEFAULTS.allowScaffold,
    maxFiles: policy.maxFiles ?? POLICY_DEFAULTS.maxFiles,
    maxFileBytes: policy.maxFileBytes ?? POLICY_DEFAULTS.maxFileBytes,
    maxTotalBytes: policy.maxTotalBytes ?? POLICY_DEFAULTS.maxTotalBytes,
  };
}

interface AllowRule {
  glob: string;
  /** The glob itself. */
  matches: (path: string) => boolean;
  /** The glob with its file type widened to any: a path matching this but not `matches` has the wrong type. */
  matchesAnyType: (path: string) => boolean;
  /** Types allowed; undefined when the glob names them itself. */
  extensions?: ReadonlySet<string>;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;
const GLOB_EXTENSION = /\.(\{[A-Za-z0-9_.,-]+\}|[A-Za-z0-9_-]+)$/;

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

function allowRule(glob: string): AllowRule {
  const slash = glob.lastIndexOf('/');
  const dir = glob.slice(0, slash + 1);
  const last = glob.slice(slash + 1);
  const matches = picomatch(glob);
  if (!GLOB_CHARS.test(last)) return { glob, matches, matchesAnyType: () => false };
  const typed = GLOB_EXTENSION.exec(last);
  if (!typed) {
    return { glob, matches, matchesAnyType: matches, extensions: DEFAULT_TEXT_EXTENSIONS };
  }
  const stem = last.slice(0, typed.index);
  return { glob, matches, matchesAnyType: picomatch(`${dir}${stem.endsWith('*') ? stem : `${stem}*`}`) };
}

function allows(rule: AllowRule, path: string): boolean {
  return rule.matches(path) && (rule.extensions === undefined || rule.extensions.has(extensionOf(path)));
}

interface CompiledPolicy {
  scaffold: AllowRule[];
  /** Matched with `dot` and `nocase` so neither a dot segment nor a case change slips past. */
  forbidden: { glob: string; matches: (path: string) => boolean }[];
  /** `allowed` then `allowScaffold`. */
  rules: AllowRule[];
}

const compiled = new WeakMap<ResolvedAnswerPolicy, CompiledPolicy>();

function compile(policy: ResolvedAnswerPolicy): CompiledPolicy {
  let result = compiled.get(policy);
  if (!result) {
    const scaffold = policy.allowScaffold.map(allowRule);
    result = {
      scaffold,
      forbidden: policy.forbidden.map((glob) => ({ glob, matches: picomatch(glob, { dot: true, nocase: true }) })),
      rules: [...policy.allowed.map(allowRule), ...scaffold],
    };
    compiled.set(policy, result);
  }
  return result;
}

/** Checks one path (already valid by the grammar) against the policy. */
export function pathPolicyProblem(path: string, policy: ResolvedAnswerPolicy): Omit<SocProblem, 'line'> | undefined {
  const { scaffold, forbidden: forbiddenRules, rules } = compile(policy);
  if (scaffold.some((rule) => allows(rule, path))) return undefined;
  const forbidden = forbiddenRules.find((rule) => rule.matches(path))?.glob;
  if (forbidden !== undefined) {
    return {
      code: 'E_SOC_FORBIDDEN',
      path,
      message: `${path} is security scaffold (it matches ${forbidden}) and may not be written`,
      excerpt: path,
    };
  }
  if (rules.some((rule) => allows(rule, path))) return undefined;
  const allowedList = policy.allowed.join(', ');
  if (rules.some((rule) => rule.matchesAnyType(path))) {
    const ext = extensionOf(path) || 'extension-less';
    return {
      code: 'E_SOC_FILE_TYPE',
      path,
      message: `${ext} files may not be written at ${path}; the allowed paths are ${allowedList}`,
      excerpt: path,
    };
  }
  return {
    code: 'E_SOC_FORBIDDEN',
    path,
    message: `${path} is outside the paths this task may write: ${allowedList}`,
    excerpt: path,
  };
}

/** Every policy problem of the answer's files: paths, duplicates, count and sizes. */
export function checkAnswerPolicy(files: readonly LocatedFile[], policy: ResolvedAnswerPolicy): SocProblem[] {
  const problems: SocProblem[] = [];
  if (files.length > policy.maxFiles) {
    problems.push({
      code: 'E_SOC_TOO_LARGE',
      message: `the answer has ${files.length} files; at most ${policy.maxFiles} are allowed`,
    });
  }
  // Keyed in lower case: on a case-insensitive file system (macOS, Windows) `A.py` and `a.py` are one file.
  const seen = new Map<string, LocatedFile>();
  let total = 0;
  for (const file of files) {
    const pathProblem = pathPolicyProblem(file.path, policy);
    if (pathProblem) problems.push({ ...pathProblem, line: file.line });
    const first = seen.get(file.path.toLowerCase());
    if (first) {
      const same = first.path === file.path ? 'appears again' : `differs from ${first.path} only in letter case`;
      problems.push({
        code: 'E_SOC_DUPLICATE',
        path: file.path,
        line: file.line,
        message: `${file.path} ${same} (first on line ${first.line})`,
        excerpt: file.path,
      });
    } else {
      seen.set(file.path.toLowerCase(), file);
    }
    const bytes = Buffer.byteLength(file.content, 'utf8');
    total += bytes;
    if (bytes > policy.maxFileBytes) {
      problems.push({
        code: 'E_SOC_TOO_LARGE',
        path: file.path,
        line: file.line,
        message: `${file.path} has ${bytes} bytes; at most ${policy.maxFileBytes} are allowed per file`,
      });
    }
  }
  if (total > policy.maxTotalBytes) {
    problems.push({
      code: 'E_SOC_TOO_LARGE',
      message: `the files have ${total} bytes together; at most ${policy.maxTotalBytes} are allowed`,
    });
  }
  return problems;
}
