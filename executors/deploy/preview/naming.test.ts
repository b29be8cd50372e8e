// Preview names: distinct namespaces for branches that sanitise alike, DNS-1123 limits, label-safe values.
import { describe, expect, it } from 'vitest';
import { isQlfError } from '../../../core/errors.js';
import { deployConfig } from '../fixtures/render-inputs.js';
import { labelValue, previewHost, previewNamespace } from './naming.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function inputErrorOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isQlfError(error)) return error;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('previewNamespace', () => {
  it.each([
    ['payments', 'main', /^payments-main-[0-9a-f]{6}$/],
    ['payments', 'feat/Add_Card', /^payments-feat-add-card-[0-9a-f]{6}$/],
    ['payments', '--Weird..Branch--', /^payments-weird-branch-[0-9a-f]{6}$/],
    ['payments', 'dependabot/npm_and_yarn/zod-4.1', /^payments-dependabot-npm-and-yarn-zod-4-1-[0-9a-f]{6}$/],
  ])('%s on %s → %s', (brief, branch, pattern) => {
    const namespace = previewNamespace(brief, branch);
    expect(namespace).toMatch(pattern);
    expect(namespace).toMatch(DNS_LABEL);
  });

  it('gives branches that sanitise to the same text different namespaces', () => {
    const names = ['feat/a_b', 'feat-a-b', 'Feat/A-B', 'feat--a--b'].map((branch) => previewNamespace('shop', branch));
    expect(names.map((name) => name.slice(0, -7))).toEqual(Array(4).fill('shop-feat-a-b'));
    expect(new Set(names).size).toBe(4);
  });

  it('is stable for one brief and branch', () => {
    expect(previewNamespace('shop', 'feat/x')).toBe(previewNamespace('shop', 'feat/x'));
  });

  it('stays within 63 characters, cut names still distinct and valid', () => {
    const long = `feature/${'x'.repeat(100)}`;
    const a = previewNamespace('a-rather-long-brief-name-for-a-service', `${long}-1`);
    const b = previewNamespace('a-rather-long-brief-name-for-a-service', `${long}-2`);
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_LABEL);
    }
    expect(a).not.toBe(b);
    // A cut that ends on a dash does not leave `--` before the hash.
    expect(previewNamespace('b'.repeat(55), 'c')).toMatch(/^b{55}-[0-9a-f]{6}$/);
    expect(previewNamespace('b'.repeat(63), 'main')).toMatch(/^b{56}-[0-9a-f]{6}$/);
  });

  it.each([
    ['payments', '', 'E_PREVIEW_BRANCH'],
    ['payments', '///', 'E_PREVIEW_BRANCH'],
    ['payments', 'ümlaut-only-ü'.replace(/[a-z-]/g, ''), 'E_PREVIEW_BRANCH'],
    ['---', 'main', 'E_PREVIEW_NAME'],
  ])('refuses brief %j with branch %j (%s) as an input error with a fix', (brief, branch, code) => {
    const error = inputErrorOf(() => previewNamespace(brief, branch));
    expect(error.code).toBe(code);
    expect(error.kind).toBe('input');
    expect(error.hint).toMatch(/--branch|brief/);
  });
});

describe('previewHost', () => {
  it('uses deploy.preview.baseDomain, else deploy.baseDomain', () => {
    expect(previewHost('shop-main-abcdef', deployConfig({ baseDomain: 'example.org' }))).toBe(
      'shop-main-abcdef.example.org',
    );
    const config = deployConfig({ baseDomain: 'example.org' });
    config.preview = { ...config.preview, baseDomain: 'preview.example.org' };
    expect(previewHost('shop-main-abcdef', config)).toBe('shop-main-abcdef.preview.example.org');
  });
});

describe('labelValue', () => {
  it.each([
    ['feat/Add_Card', 'feat-Add_Card'],
    ['jane.doe', 'jane.doe'],
    ['_leading.and.trailing_', 'leading.and.trailing'],
    ['@@@', ''],
    ['x'.repeat(70), 'x'.repeat(63)],
    [`${'y'.repeat(62)}/z`, 'y'.repeat(62)],
  ])('%j → %j', (raw, value) => {
    expect(labelValue(raw)).toBe(value);
    expect(labelValue(raw)).toMatch(LABEL_VALUE);
  });
});
