import { describe, expect, it } from 'vitest';
import { readRequirementLines } from './requirements-txt.js';

describe('readRequirementLines', () => {
  it.each([
    ['fastapi>=0.92,<1', { normalizedName: 'fastapi', spec: '>=0.92,<1', version: undefined, operator: undefined }],
    ['Flask_SQLAlchemy == 3.0.5', { normalizedName: 'flask-sqlalchemy', version: '3.0.5', operator: '==' }],
    ['psycopg[binary]==3.1.7 ; python_version>"3"', { name: 'psycopg', extras: '[binary]', version: '3.1.7' }],
    ['foo===1.0-local', { version: '1.0-local', operator: '===' }],
    ['httpx==0.24.*', { spec: '==0.24.*', version: undefined, operator: undefined }],
  ])('reads %j', (text, expected) => {
    expect(readRequirementLines(text)).toEqual([expect.objectContaining({ ...expected, line: 1 })]);
  });

  it('skips comments, options and URLs, and numbers each requirement by the line it starts on', () => {
    const text =
      '# head\n-r base.txt\n\nfastapi==0.92.0 \\\n    --hash=sha256:abc\nhttps://x/y.whl\nuvicorn==0.17.6  # web\n';
    expect(readRequirementLines(text).map(({ normalizedName, line }) => [normalizedName, line])).toEqual([
      ['fastapi', 4],
      ['uvicorn', 7],
    ]);
  });
});
