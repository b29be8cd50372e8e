// Byte-compiles every Python file in memory (one interpreter, no __pycache__ written) and reports syntax errors.
import { childEnv, runProcess, tail } from '../lib/process.js';
import { outcomeOf, type RunnerFinding, skipped, type VerifyRunner } from '../lib/runner.js';
import { listServiceFiles } from '../lib/service-files.js';

// Reads a JSON list of paths on stdin, compiles each with compile() so nothing touches the disk, prints the errors.
const COMPILE_SCRIPT = `import json, sys
errors = []
for path in json.load(sys.stdin):
    try:
        with open(path, "rb") as handle:
            compile(handle.read(), path, "exec", dont_inherit=True)
    except SyntaxError as error:
        errors.append({"file": path, "line": error.lineno, "column": error.offset, "message": "%s: %s" % (type(error).__name__, error.msg)})
    except (ValueError, UnicodeDecodeError) as error:
        errors.append({"file": path, "line": None, "column": None, "message": str(error)})
print(json.dumps(errors))
`;

interface CompileError {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
}

export const pyCompileRunner: VerifyRunner = {
  name: 'py-compile',
  async run(input, ctx) {
    if (!ctx.pythonInfo) return skipped('python not found (set QLF_PYTHON)');
    const files = await listServiceFiles(input.serviceDir, '**/*.py');
    const result = await runProcess(ctx.pythonInfo.path, ['-c', COMPILE_SCRIPT], {
      cwd: input.serviceDir,
      env: childEnv(ctx.env),
      timeoutMs: ctx.timeoutMs,
      input: JSON.stringify(files),
    });
    if (result.timedOut) {
      return outcomeOf([
        { rule: 'timeout', severity: 'error', message: `byte-compiling took over ${ctx.timeoutMs} ms` },
      ]);
    }
    if (result.exitCode !== 0) {
      const message = `the compile script failed (exit ${result.exitCode}): ${tail(result.stderr)}`;
      return outcomeOf([{ rule: 'compile-crashed', severity: 'error', message }]);
    }
    const errors = JSON.parse(result.stdout) as CompileError[];
    const findings: RunnerFinding[] = errors.map((error) => ({
      rule: 'syntax-error',
      severity: 'error',
      message: error.message,
      file: error.file,
      ...(error.line ? { line: error.line } : {}),
      ...(error.column ? { column: error.column } : {}),
    }));
    return outcomeOf(findings, { files: files.length, errors: errors.length });
  },
};
