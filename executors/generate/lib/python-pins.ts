// The exact Python distributions generated FastAPI services pin, and which of them a service needs.
import type { SqlDatabase } from './physical-model.js';

/** The interpreter the pinned versions are tested with: Debian 12's /usr/bin/python3. */
export const TESTED_PYTHON = '3.11.2';

export interface PythonPin {
  /** The distribution's name as pip takes it, PEP 503 normalised. */
  name: string;
  /** The version pinned with `==`: a release that exists on PyPI. */
  version: string;
  /** The Debian 12 package the version comes from, as `dpkg -l` lists it. */
  debian: string;
  /** What `importlib.metadata.version()` reports on Debian when it differs from `version`. */
  reports?: string;
  /** The distribution the tests run instead, the same release packaged differently (psycopg2 for psycopg2-binary). */
  testedAs?: string;
}

/**
 * Every pin, by name. The versions are the ones qlf's CI runs the generated test suites with: the python3-* packages of
 * Debian 12 (bookworm) for /usr/bin/python3, checked against `dpkg -l` and `importlib.metadata` (python-pins.test.ts
 * checks them again against the interpreter on every run).
 *
 * Only direct dependencies are pinned. Debian's set cannot be reproduced with pip: it ships starlette 0.26.1 with
 * fastapi 0.92.0, whose metadata asks for `starlette>=0.25.0,<0.26.0`, so a `starlette==0.26.1` pin would make pip's
 * resolver fail. pip resolves the transitive ones (starlette, anyio, typing-extensions, greenlet …) within the pinned
 * packages' own bounds; the verify report's `tested` field records the ones the tests really imported.
 *
 * alembic: Debian builds it from the release tag, so importlib.metadata reports `1.8.1.dev0`; the pin names the PyPI
 * release `1.8.1`, the same code (PyPI has no `1.8.1.dev0`).
 *
 * psycopg2, not psycopg 3: SQLAlchemy 1.4 (the tested line) has no psycopg 3 dialect; the service's `app/db.py` picks
 * psycopg 3 by itself under SQLAlchemy 2. Pinned as `psycopg2-binary`, the same release built as a wheel with libpq
 * inside, so the image needs neither a compiler nor libpq from the OS; the tests run the same release as Debian's
 * python3-psycopg2 (`psycopg2`), which the pin check accepts for it (`testedAs`).
 *
 * PyMySQL needs cryptography for MySQL 8's default `caching_sha2_password` login over plain TCP (its `rsa` extra),
 * so MySQL services pin cryptography too.
 */
export const PYTHON_PINS = {
  alembic: { name: 'alembic', version: '1.8.1', debian: 'python3-alembic 1.8.1-2', reports: '1.8.1.dev0' },
  cryptography: { name: 'cryptography', version: '38.0.4', debian: 'python3-cryptography 38.0.4-3+deb12u1' },
  fastapi: { name: 'fastapi', version: '0.92.0', debian: 'python3-fastapi 0.92.0-1' },
  httpx: { name: 'httpx', version: '0.23.3', debian: 'python3-httpx 0.23.3-1' },
  psycopg2: { name: 'psycopg2-binary', version: '2.9.5', debian: 'python3-psycopg2 2.9.5-1+b1', testedAs: 'psycopg2' },
  pydantic: { name: 'pydantic', version: '1.10.4', debian: 'python3-pydantic 1.10.4-1+deb12u1' },
  pymysql: { name: 'pymysql', version: '1.0.2', debian: 'python3-pymysql 1.0.2-2+deb12u1' },
  prometheusClient: {
    name: 'prometheus-client',
    version: '0.16.0',
    debian: 'python3-prometheus-client 0.16.0-0.1',
  },
  pytest: { name: 'pytest', version: '7.2.1', debian: 'python3-pytest 7.2.1-2' },
  pyjwt: { name: 'pyjwt', version: '2.6.0', debian: 'python3-jwt 2.6.0-1+deb12u1' },
  pythonMultipart: { name: 'python-multipart', version: '0.0.5', debian: 'python3-multipart 0.0.5-3' },
  sqlalchemy: { name: 'sqlalchemy', version: '1.4.46', debian: 'python3-sqlalchemy 1.4.46+ds1-1' },
  uvicorn: { name: 'uvicorn', version: '0.17.6', debian: 'python3-uvicorn 0.17.6-1' },
} as const satisfies Record<string, PythonPin>;

/** The service features that decide which pins it needs (fields of the FastAPI view). */
export interface PinFeatures {
  /** The service issues tokens from a login form (python-multipart). */
  issuesTokens: boolean;
  /** Some field is stored encrypted (cryptography). */
  encryption: boolean;
  /** The production database, whose driver is pinned; SQLite needs none. */
  database: SqlDatabase;
}

export interface PythonRequirements {
  /** `name==version` lines of requirements.txt, sorted by name. */
  runtime: string[];
  /** `name==version` lines of requirements-dev.txt (test tools), sorted by name. */
  dev: string[];
  /** One line naming the tested stack, for the files' headers. */
  testedStack: string;
}

const DRIVERS: Record<SqlDatabase, PythonPin[]> = {
  postgresql: [PYTHON_PINS.psycopg2],
  mysql: [PYTHON_PINS.pymysql, PYTHON_PINS.cryptography],
  sqlite: [],
};

const line = (pin: PythonPin) => `${pin.name}==${pin.version}`;

function sortedLines(pins: PythonPin[]): string[] {
  const byName = [...pins].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...new Set(byName.map(line))];
}

/**
 * The pinned requirement lines for a service with `features`. alembic is always there (the service runs migrations),
 * and so is prometheus-client (it serves /metrics).
 */
export function pythonRequirements(features: PinFeatures): PythonRequirements {
  const pins: PythonPin[] = [
    PYTHON_PINS.alembic,
    PYTHON_PINS.fastapi,
    PYTHON_PINS.prometheusClient,
    PYTHON_PINS.pydantic,
    PYTHON_PINS.sqlalchemy,
    PYTHON_PINS.uvicorn,
    ...DRIVERS[features.database],
  ];
  if (features.issuesTokens) pins.push(PYTHON_PINS.pythonMultipart, PYTHON_PINS.pyjwt);
  if (features.encryption) pins.push(PYTHON_PINS.cryptography);
  const { fastapi, pydantic, sqlalchemy } = PYTHON_PINS;
  return {
    runtime: sortedLines(pins),
    dev: sortedLines([PYTHON_PINS.httpx, PYTHON_PINS.pytest]),
    testedStack:
      `Debian 12 (bookworm) packages on Python ${TESTED_PYTHON}: FastAPI ${fastapi.version}, ` +
      `Pydantic ${pydantic.version}, SQLAlchemy ${sqlalchemy.version}`,
  };
}
