// The `database` agent: Alembic's configuration for the service (`alembic.ini`, `migrations/env.py`, the template
// `alembic revision` uses). The revisions themselves are written by the merge into the working copy, one per schema
// change (lib/migrations/), because each depends on the schema the previous ones built, not on the IR alone.
import type { GeneratorAgent } from '../lib/agent.js';
import { fastapiView } from '../lib/fastapi-view.js';
import { SQL_DATABASES } from '../lib/physical-model.js';
import { renderTemplate } from '../lib/render.js';

const TEMPLATES = [
  ['alembic.ini', 'alembic.ini'],
  ['migrations/env.py', 'migrations/env.py'],
  ['migrations/script.py.mako', 'migrations/script.py.mako'],
] as const;

const alembic: GeneratorAgent = {
  name: 'alembic',
  kind: 'database',
  score: (ir) =>
    ir.stack.backend.value === 'fastapi' && (SQL_DATABASES as readonly string[]).includes(ir.stack.database.value)
      ? 1
      : 0,
  generate: (ir, ctx) => {
    const view = fastapiView(ir, ctx.qlfVersion);
    return TEMPLATES.map(([template, path]) => ({ path, content: renderTemplate(`alembic/${template}.eta`, view) }));
  },
};

export default alembic;
