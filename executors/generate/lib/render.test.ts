import { describe, expect, it } from 'vitest';
import { QlfError } from '../../../core/errors.js';
import { renderTemplate } from './render.js';

describe('renderTemplate', () => {
  it('renders a template file with the data as `it`, without escaping', () => {
    const out = renderTemplate('fastapi/app/__init__.py.eta', {
      header: '# head',
      name: 'svc',
      description: 'a <b> & "c"',
    });
    expect(out).toBe('# head\n"""svc: a <b> & "c""""\n');
  });

  it('accepts the path with or without .eta', () => {
    const data = { header: '#', name: 'n', description: 'd' };
    expect(renderTemplate('fastapi/app/__init__.py', data)).toBe(renderTemplate('fastapi/app/__init__.py.eta', data));
  });

  it('names a missing template in a coded error', () => {
    expect(() => renderTemplate('fastapi/nope.py', {})).toThrow(QlfError);
    expect(() => renderTemplate('fastapi/nope.py', {})).toThrow(/nope\.py\.eta/);
  });

  it('reports a template that fails to render', () => {
    expect(() => renderTemplate('fastapi/app/routers/entity.py.eta', {})).toThrow(/E_TEMPLATE_RENDER|failed to render/);
  });
});
