// Lints an OpenAPI document with Redocly's recommended rules and returns findings with line and column.
import { LineCounter, parseDocument } from 'yaml';
import type { RunnerFinding } from './runner.js';

// Operations every generated service serves without credentials: probes for orchestrators and the token endpoint.
const PUBLIC_PATHS = ['/health', '/ready', '/auth/token'];

type RuleSetting = 'error' | 'warn' | 'off' | { severity: 'error'; exceptions: Array<{ path: string }> };

/**
 * Rule levels on top of `recommended`. Servers depend on where the service is deployed, so their absence is a warning;
 * a service whose IR says `auth: none` has no security schemes by design, and the public probes never do.
 */
function ruleOverrides(authNone: boolean): Record<string, RuleSetting> {
  const exceptions = PUBLIC_PATHS.map((path) => ({ path }));
  return {
    'no-empty-servers': 'warn',
    'security-defined': authNone ? 'off' : { severity: 'error', exceptions },
  };
}

/** Syntax errors first (a document that does not parse cannot be linted), then Redocly's problems. */
export async function lintOpenApi(
  file: string,
  source: string,
  options: { authNone: boolean },
): Promise<RunnerFinding[]> {
  const lineCounter = new LineCounter();
  const parsed = parseDocument(source, { prettyErrors: false, lineCounter });
  if (parsed.errors.length > 0) {
    return parsed.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return {
        rule: 'openapi-syntax',
        severity: 'error',
        message: error.message.split('\n')[0] ?? error.message,
        file,
        line,
        column: col,
      };
    });
  }
  // Redocly takes a quarter of a second to load: only a verify run that lints a document pays for it.
  const { createConfig, getLineColLocation, lintFromString } = await import('@redocly/openapi-core');
  const config = await createConfig({ extends: ['recommended'], rules: ruleOverrides(options.authNone) });
  const problems = await lintFromString({ source, absoluteRef: `/${file}`, config });
  return problems.map((problem) => {
    const location = problem.location[0];
    let place: { line?: number; column?: number } = {};
    if (location) {
      try {
        const { start } = getLineColLocation(location);
        place = { line: start.line, column: start.col };
      } catch {
        // A problem without a source position still names the rule and the pointer.
      }
    }
    const pointer = location?.pointer ? ` at ${location.pointer}` : '';
    return {
      rule: `openapi/${problem.ruleId}`,
      severity: problem.severity === 'error' ? 'error' : 'warning',
      message: `${problem.message}${pointer}`,
      file,
      ...place,
    };
  });
}
