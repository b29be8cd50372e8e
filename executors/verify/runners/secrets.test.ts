import { afterEach, describe, expect, it } from 'vitest';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, type ServiceCopy } from '../testing/good-service.js';
import { testContext } from '../testing/test-context.js';
import { secretsRunner } from './secrets.js';

// Assembled at run time so this test file itself holds no scannable credential.
const AWS_KEY = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join(
  '.',
);
const PEM = ['-----BEGIN RSA', 'PRIVATE KEY-----\nMIIB\n-----END RSA', 'PRIVATE KEY-----'].join(' ');

const FLAGGED: Array<[string, string, string]> = [
  ['aws key', `KEY_ID = "${AWS_KEY}"\n`, 'aws-access-key'],
  ['private key block', `KEY = """${PEM}"""\n`, 'private-key'],
  ['jwt', `bearer = "${JWT}"\n`, 'jwt'],
  ['password literal', 'password = "hunter2hunter2"\n', 'hardcoded-secret'],
  ['secret literal', 'SECRET_KEY: str = "s3cr3t-value"\n', 'hardcoded-secret'],
  ['dict literal', 'settings = {"api_key": "k-193847"}\n', 'hardcoded-secret'],
  ['dotenv value', 'JWT_SECRET=9f8e7d6c5b4a\n', 'hardcoded-secret'],
  ['url password', 'DATABASE_URL = "postgresql://app:pa55word@db/app"\n', 'url-credential'],
  ['random key-ish literal', 'signing_key_material = "Zx8Qp2Lm7Vt4Rk9Ws3Yn6Bh1"\n', 'hardcoded-secret'],
];

const ALLOWED: Array<[string, string]> = [
  ['read from the environment', 'SECRET_KEY = os.environ["SECRET_KEY"]\npassword = os.getenv("DB_PASSWORD", "")\n'],
  ['empty and placeholder values', 'password = ""\nsecret = "change-me"\napi_key = "<your-api-key>"\n'],
  ['placeholder dotenv', 'FIELD_ENCRYPTION_KEY=change-me\nJWT_SECRET=\nJWT_EXPIRE_MINUTES=30\nAPI_KEYS=\n'],
  ['documented URL shapes', 'e.g. `postgresql://user:password@host:5432/db`\n'],
  ['names that only mention a secret', 'token_type = "bearer"\nsecret_name = "payments-db"\n'],
  ['annotations without values', 'password: str\napi_key: Optional[str] = None\n'],
  ['URL placeholders', 'DATABASE_URL=postgresql://user:$DB_PASSWORD@db/app\n'],
  [
    'relationship arguments on key-ish names',
    'patient = relationship("Patient", foreign_keys="[Appointment.patient_id]")\n',
  ],
];

describe('secrets runner', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('finds nothing in the fixture service', async () => {
    const outcome = await secretsRunner.run({ ir: goodServiceIr(), serviceDir: GOOD_SERVICE }, await testContext());
    expect(outcome.status).toBe('passed');
    expect(outcome.findings).toEqual([]);
  });

  it.each(FLAGGED)('flags a %s with file and line', async (_, content, ruleId) => {
    copy = await copyGoodService();
    await copy.write('app/settings.py', `import os\n\n${content}`);
    const outcome = await secretsRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ rule: ruleId, severity: 'error', file: 'app/settings.py', line: 3 }),
    );
  });

  it.each(ALLOWED)('allows %s', async (_, content) => {
    copy = await copyGoodService();
    await copy.write('app/settings.py', content);
    const outcome = await secretsRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.findings).toEqual([]);
  });
});
