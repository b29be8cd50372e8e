import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PYTHON_PINS, type PythonPin, pythonRequirements, TESTED_PYTHON } from './python-pins.js';

// The interpreter qlf's CI runs generated suites with; the pins claim to be its Debian packages.
const PYTHON = '/usr/bin/python3';
const pins: PythonPin[] = Object.values(PYTHON_PINS);

/** `importlib.metadata.version()` of each distribution in the real interpreter, `null` when not installed. */
async function installedVersions(names: string[]): Promise<Record<string, string | null>> {
  const script = `import importlib.metadata as m, json, platform, sys
def version(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({"python": platform.python_version(), **{name: version(name) for name in sys.argv[1:]}}))`;
  const { stdout } = await execa(PYTHON, ['-c', script, ...names]);
  return JSON.parse(stdout) as Record<string, string | null>;
}

describe('python pins', () => {
  it('are what /usr/bin/python3 has installed, as importlib.metadata (and so pip) reports them', async () => {
    // A pin the tests run as another distribution (psycopg2-binary as Debian's psycopg2) is checked as that one.
    const tested = (pin: PythonPin) => pin.testedAs ?? pin.name;
    const installed = await installedVersions(pins.map(tested));
    expect(installed.python, `${PYTHON} is not the tested interpreter`).toBe(TESTED_PYTHON);
    for (const pin of pins) expect(installed[tested(pin)], tested(pin)).toBe(pin.reports ?? pin.version);
  });

  it('pin the PostgreSQL driver as the psycopg2 wheel, tested as the same release of psycopg2', () => {
    expect(PYTHON_PINS.psycopg2).toMatchObject({ name: 'psycopg2-binary', version: '2.9.5', testedAs: 'psycopg2' });
    expect(pins.filter((pin) => pin.testedAs).map((pin) => pin.name)).toEqual(['psycopg2-binary']);
  });

  it('name the Debian packages dpkg has installed, whose upstream version is the pin', async () => {
    const packages = pins.map((pin) => pin.debian.split(' ')[0]!);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
    const { stdout } = await execa('dpkg-query', ['-W', '-f', '${Package} ${Version}\\n', ...packages]);
    const listed = new Map(stdout.split('\n').map((line) => line.split(' ') as [string, string]));
    for (const pin of pins) {
      const [name, version] = pin.debian.split(' ') as [string, string];
      expect(listed.get(name), name).toBe(version);
      expect(version.startsWith(pin.version), `${name} ${version} is not ${pin.version}`).toBe(true);
    }
  });

  it.each([
    [
      'sqlite without tokens or encryption',
      { issuesTokens: false, encryption: false, database: 'sqlite' as const },
      [
        'alembic==1.8.1',
        'fastapi==0.92.0',
        'prometheus-client==0.16.0',
        'pydantic==1.10.4',
        'sqlalchemy==1.4.46',
        'uvicorn==0.17.6',
      ],
    ],
    [
      'postgresql with tokens',
      { issuesTokens: true, encryption: false, database: 'postgresql' as const },
      [
        'alembic==1.8.1',
        'fastapi==0.92.0',
        'prometheus-client==0.16.0',
        'psycopg2-binary==2.9.5',
        'pydantic==1.10.4',
        'pyjwt==2.6.0',
        'python-multipart==0.0.5',
        'sqlalchemy==1.4.46',
        'uvicorn==0.17.6',
      ],
    ],
    [
      'mysql with encryption (cryptography once)',
      { issuesTokens: false, encryption: true, database: 'mysql' as const },
      [
        'alembic==1.8.1',
        'cryptography==38.0.4',
        'fastapi==0.92.0',
        'prometheus-client==0.16.0',
        'pydantic==1.10.4',
        'pymysql==1.0.2',
        'sqlalchemy==1.4.46',
        'uvicorn==0.17.6',
      ],
    ],
  ])('select the runtime lines for %s', (_, features, runtime) => {
    expect(pythonRequirements(features).runtime).toEqual(runtime);
  });

  it('keep the test tools out of the runtime lines', () => {
    const { runtime, dev, testedStack } = pythonRequirements({
      issuesTokens: true,
      encryption: true,
      database: 'mysql',
    });
    expect(dev).toEqual(['httpx==0.23.3', 'pytest==7.2.1']);
    expect(runtime.some((line) => /^(pytest|httpx)==/.test(line))).toBe(false);
    expect(testedStack).toBe(
      'Debian 12 (bookworm) packages on Python 3.11.2: FastAPI 0.92.0, Pydantic 1.10.4, SQLAlchemy 1.4.46',
    );
  });
});
