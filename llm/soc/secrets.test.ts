import { describe, expect, it } from 'vitest';
import { cpuMsSince } from '../../testing/cpu-time.js';
import { findSecrets, maskSecrets, type SecretKind } from './secrets.js';

// Every credential here is assembled at run time, so no scanner flags this file.
const j = (...parts: string[]) => parts.join('');
const AWS_ID = j('AKIA', 'Q3RZ7BCD2EFGH5JK');
const AWS_SECRET = j('wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'Q3RZ7BCD2E');
const OPENAI = j('sk-', 'Qm3xR7vK2pL9wZ4n'.repeat(3));
const OPENAI_PROJECT = j('sk-proj-', 'Qm3xR7vK2pL9wZ4n_Ab'.repeat(5));
const ANTHROPIC = j('sk-ant-', 'api03-', 'Qm3xR7vK2pL9wZ4n'.repeat(5));
const GITHUB = j('ghp_', 'Qm3xR7vK2pL9wZ4nB8cD1eF6gH0iJ5kL2mN4');
const GITHUB_PAT = j('github_pat_', '11ABCDEFG0', 'Qm3xR7vK2pL9wZ4n_Qm3xR7vK2pL9wZ4n');
const SLACK = j('xoxb-', '1234567890-', '0987654321-', 'Qm3xR7vK2pL9wZ4nB8cD1eF6');
const SLACK_HOOK = j('https://hooks.slack.com/services/', 'T0ABCDEF1/B0ABCDEF2/', 'Qm3xR7vK2pL9wZ4nB8cD1eF6');
const JWT = j('eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIn0', '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
const PEM_HEADER = j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----');
const PEM_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';

const found: { name: string; content: string; kind: SecretKind; line: number; excerpt: string }[] = [
  {
    name: 'an AWS access key id',
    content: `AWS_KEY = "${AWS_ID}"\n`,
    kind: 'aws-access-key-id',
    line: 1,
    excerpt: 'aws-access-key-id: AKIA…',
  },
  {
    name: 'an AWS secret key assignment',
    content: `import boto3\n\naws_secret_access_key = "${AWS_SECRET}"\n`,
    kind: 'aws-secret-access-key',
    line: 3,
    excerpt: 'aws-secret-access-key: wJal…',
  },
  {
    name: 'an AWS secret key in an env file',
    content: `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n`,
    kind: 'aws-secret-access-key',
    line: 1,
    excerpt: 'aws-secret-access-key: wJal…',
  },
  {
    name: 'an OpenAI key',
    content: `client = OpenAI(api_key="${OPENAI}")\n`,
    kind: 'openai-api-key',
    line: 1,
    excerpt: 'openai-api-key: sk-Q…',
  },
  {
    name: 'an OpenAI project key',
    content: `KEY = '${OPENAI_PROJECT}'\n`,
    kind: 'openai-api-key',
    line: 1,
    excerpt: 'openai-api-key: sk-p…',
  },
  {
    name: 'an Anthropic key',
    content: `# key: ${ANTHROPIC}\n`,
    kind: 'anthropic-api-key',
    line: 1,
    excerpt: 'anthropic-api-key: sk-a…',
  },
  {
    name: 'a GitHub token',
    content: `headers = {"Authorization": "token ${GITHUB}"}\n`,
    kind: 'github-token',
    line: 1,
    excerpt: 'github-token: ghp_…',
  },
  {
    name: 'a fine-grained GitHub token',
    content: `GH = "${GITHUB_PAT}"\n`,
    kind: 'github-token',
    line: 1,
    excerpt: 'github-token: gith…',
  },
  {
    name: 'a Slack bot token',
    content: `SLACK = "${SLACK}"\n`,
    kind: 'slack-token',
    line: 1,
    excerpt: 'slack-token: xoxb…',
  },
  {
    name: 'a Slack webhook',
    content: `HOOK = "${SLACK_HOOK}"\n`,
    kind: 'slack-webhook',
    line: 1,
    excerpt: 'slack-webhook: T0AB…',
  },
  {
    name: 'a PEM private key in a triple-quoted string',
    content: `KEY = """\n${PEM_HEADER}\n${PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----\n"""\n`,
    kind: 'private-key',
    line: 2,
    excerpt: 'private-key: b3Bl…',
  },
  {
    name: 'a PEM private key on one line',
    content: `KEY = "${PEM_HEADER}\\n${PEM_BODY}\\n"\n`,
    kind: 'private-key',
    line: 1,
    excerpt: 'private-key: b3Bl…',
  },
  { name: 'a signed JWT', content: `\n\nTOKEN_FIXTURE = "${JWT}"\n`, kind: 'jwt', line: 3, excerpt: 'jwt: eyJh…' },
  {
    name: 'a password assignment',
    content: 'DB_PASSWORD = "Sup3rS3cretPass"\n',
    kind: 'hardcoded-credential',
    line: 1,
    excerpt: 'hardcoded-credential: Sup3…',
  },
  {
    name: 'an annotated secret',
    content: 'jwt_secret: str = "q8Z-vT2mW9xR4kLp"\n',
    kind: 'hardcoded-credential',
    line: 1,
    excerpt: 'hardcoded-credential: q8Z-…',
  },
  {
    name: 'a dict entry',
    content: 'settings = {"api_key": "Zk4-Tq9mW2xR7vLp"}\n',
    kind: 'hardcoded-credential',
    line: 1,
    excerpt: 'hardcoded-credential: Zk4-…',
  },
  {
    name: 'a keyword argument',
    content: 'connect(password="Hq7!mZ2xW9rT4k")\n',
    kind: 'hardcoded-credential',
    line: 1,
    excerpt: 'hardcoded-credential: Hq7!…',
  },
];

const clean: { name: string; content: string; path?: string }[] = [
  {
    name: 'secrets read from the environment',
    content: 'API_KEY = os.environ["API_KEY"]\nSECRET = os.getenv("JWT_SECRET")\n',
  },
  { name: 'the AWS documentation example key', content: `AWS_KEY = "${j('AKIA', 'IOSFODNN7EXAMPLE')}"\n` },
  {
    name: 'placeholders',
    content: 'password = "change-me-Now1"\nSECRET_KEY = "test-secret-Value1"\napi_key = "your-Api-Key-123"\n',
  },
  { name: 'a variable name as value', content: 'TOKEN_SETTING = "API_TOKEN_V2"\n' },
  { name: 'a template as value', content: 'password = "{DB_Password1}"\n' },
  { name: 'a message with spaces', content: 'token_error = "Token expired at 12:00, Try Again"\n' },
  { name: 'a comparison, not an assignment', content: 'if token == "Abc123!xyz99":\n    pass\n' },
  {
    name: 'names about credentials',
    content: 'token_url = "https://Auth.example.org/2"\npassword_min_length = "Len12345678A"\n',
  },
  { name: 'a short or simple value', content: 'password = "hunter2"\nsecret = "abcdefghijklmnop"\n' },
  {
    name: 'a PEM header alone (code that checks for one)',
    content: `if pem.startswith("${PEM_HEADER}"):\n    raise ValueError("no keys")\n`,
  },
  { name: 'an unsigned JWT', content: `CLAIMS = "${JWT.slice(0, JWT.lastIndexOf('.') + 1)}"\n` },
  { name: 'a kebab-case name starting with sk-', content: 'MODEL = "sk-learn-pipeline-registry-entry-name"\n' },
  {
    name: 'fixture passwords in a test file',
    content: 'def test_register(client):\n    client.post("/users", json={"password": "Str0ng-Passw0rd!"})\n',
    path: 'tests/test_domain_users.py',
  },
];

describe('findSecrets', () => {
  it.each(found)('finds $name', ({ content, kind, line, excerpt }) => {
    expect(findSecrets(content)).toEqual([{ kind, line, excerpt }]);
  });

  it.each(clean)('passes $name', ({ content, path }) => {
    expect(findSecrets(content, path === undefined ? {} : { path })).toEqual([]);
  });

  it('still finds vendor keys in test files', () => {
    expect(findSecrets(`KEY = "${OPENAI}"\n`, { path: 'tests/test_domain_llm.py' })).toHaveLength(1);
  });

  it('counts a key assigned to a credential name once, by its vendor format', () => {
    expect(findSecrets(`api_key = "${OPENAI}"\n`).map((s) => s.kind)).toEqual(['openai-api-key']);
  });

  it('never shows more than 4 characters of a value', () => {
    for (const { content } of found) {
      for (const secret of findSecrets(content)) expect(secret.excerpt).toMatch(/: .{1,4}…$/u);
    }
  });

  it('stays linear on a long line', () => {
    const started = process.cpuUsage();
    findSecrets(`${'a'.repeat(200_000)} = "x"\n${'password '.repeat(20_000)}\n`);
    expect(cpuMsSince(started)).toBeLessThan(1000);
  });
});

describe('maskSecrets', () => {
  it('cuts every secret to 4 characters', () => {
    expect(maskSecrets(`use ${OPENAI} or ${GITHUB}`)).toBe('use sk-Q… or ghp_…');
  });
});
