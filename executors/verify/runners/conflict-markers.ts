// Finds merge conflict markers a three-way merge left in the service (`<<<<<<< yours` … `>>>>>>> generated`).
// `=======` alone is a Markdown/RST underline, so it only counts inside a block; the block is what gets reported.
import { outcomeOf, type RunnerFinding, type VerifyRunner } from '../lib/runner.js';
import { scanTextFiles } from '../lib/service-files.js';

const RULE = 'unresolved-conflict';
// Longest marker label quoted back in a message; merge tools may put whole commit subjects there.
const MAX_LABEL = 60;

type Marker = 'start' | 'base' | 'end';

function markerOf(line: string): Marker | undefined {
  if (line === '<<<<<<<' || line.startsWith('<<<<<<< ')) return 'start';
  if (line === '|||||||' || line.startsWith('||||||| ')) return 'base';
  if (line === '>>>>>>>' || line.startsWith('>>>>>>> ')) return 'end';
  return undefined;
}

function label(line: string): string {
  const trimmed = line.trimEnd();
  return trimmed.length > MAX_LABEL ? `${trimmed.slice(0, MAX_LABEL - 1)}…` : trimmed;
}

function finding(file: string, line: number, message: string): RunnerFinding {
  return { rule: RULE, severity: 'error', message, file, line, column: 1 };
}

/** One finding per conflict block, plus one per stray `|||||||`/`>>>>>>>` line outside any block. */
function scanConflicts(file: string, text: string): RunnerFinding[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  const findings: RunnerFinding[] = [];
  let open: { line: number; text: string } | undefined;
  lines.forEach((content, index) => {
    const marker = markerOf(content);
    const line = index + 1;
    if (open) {
      if (marker !== 'end') return;
      findings.push(
        finding(
          file,
          open.line,
          `unresolved merge conflict (lines ${open.line}-${line}): resolve the ${label(open.text)} … ${label(content)} ` +
            'block in your editor and delete the marker lines',
        ),
      );
      open = undefined;
    } else if (marker === 'start') {
      open = { line, text: content };
    } else if (marker) {
      // A partly resolved conflict: the opening line is gone but a later marker line stayed behind.
      findings.push(
        finding(file, line, `leftover merge conflict marker (line ${line}): delete the ${label(content)} line`),
      );
    }
  });
  if (open) {
    findings.push(
      finding(
        file,
        open.line,
        `unresolved merge conflict (lines ${open.line}-${Math.max(lines.length, open.line)}, no closing >>>>>>> line): ` +
          `resolve the ${label(open.text)} block in your editor and delete the marker lines`,
      ),
    );
  }
  return findings;
}

export const conflictMarkersRunner: VerifyRunner = {
  name: 'conflict-markers',
  async run(input) {
    const { findings, scanned } = await scanTextFiles(input.serviceDir, scanConflicts);
    return outcomeOf(findings, { files: scanned, conflicts: findings.length });
  },
};
