// TTLs: minutes, hours and days; anything else is an input error naming the option and the accepted forms.
import { describe, expect, it } from 'vitest';
import { isQlfError } from '../../../core/errors.js';
import { parseTtl } from './ttl.js';

describe('parseTtl', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['24h', 24 * 3_600_000],
    ['3d', 3 * 86_400_000],
    [' 1h ', 3_600_000],
    ['365d', 365 * 86_400_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseTtl(text)).toBe(ms);
  });

  it.each(['', '24', 'h', '1.5h', '-1h', '2w', '0m', '366d', '24H', '1h30m'])('refuses %j', (text) => {
    try {
      parseTtl(text);
      expect.unreachable();
    } catch (error) {
      expect(isQlfError(error) && error.code).toBe('E_PREVIEW_TTL');
      expect(isQlfError(error) && error.kind).toBe('input');
      expect((error as Error).message).toContain('--ttl');
      expect(isQlfError(error) && error.hint).toContain('30m, 24h or 3d');
    }
  });

  it('names the option it was given', () => {
    expect(() => parseTtl('forever', 'deploy.preview.ttl')).toThrow(/deploy\.preview\.ttl "forever"/);
  });
});
