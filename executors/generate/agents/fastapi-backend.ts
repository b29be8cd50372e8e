// The FastAPI backend agent: renders `templates/fastapi/app/**` (and the service's requirements, settings examples and
// observability/ dashboard and alert rules) from the FastAPI view model of the IR.
import type { IR } from '../../../schemas/ir.js';
import type { AgentContext, GeneratorAgent } from '../lib/agent.js';
import { fastapiView } from '../lib/fastapi-view.js';
import { pythonRequirements } from '../lib/python-pins.js';
import { renderTemplate } from '../lib/render.js';

type File = { path: string; content: string };

/** The files of the backend, sorted by path; optional modules appear only when the IR needs them. */
export function backendFiles(ir: IR, ctx: AgentContext): File[] {
  const view = fastapiView(ir, ctx.qlfVersion);
  const render = (template: string, path = template, extra: object = {}): File => ({
    path,
    content: renderTemplate(`fastapi/${template}.eta`, { ...view, ...extra }),
  });
  const files: File[] = [
    render('app/__init__.py'),
    render('app/compat.py'),
    render('app/settings.py'),
    render('app/db.py'),
    render('app/models.py'),
    render('app/schemas.py'),
    render('app/security.py'),
    render('app/crud.py'),
    render('app/logging_config.py'),
    render('app/metrics.py'),
    render('app/middleware.py'),
    render('app/retention.py'),
    render('app/main.py'),
    render('app/routers/__init__.py'),
    render('app/routers/health.py'),
    render('requirements.txt', 'requirements.txt', { pins: pythonRequirements(view) }),
    render('requirements-dev.txt', 'requirements-dev.txt', { pins: pythonRequirements(view) }),
    render('env.example', '.env.example'),
    render('gitignore', '.gitignore'),
    render('pyproject.toml'),
    render('observability/grafana-dashboard.json'),
    render('observability/alerts.yml'),
  ];
  if (view.encryption) files.push(render('app/crypto.py'));
  if (view.audit) files.push(render('app/audit.py'));
  if (view.idempotency) files.push(render('app/idempotency.py'));
  if (view.issuesTokens) files.push(render('app/routers/auth.py'));
  if (view.gdpr) files.push(render('app/routers/data_subjects.py'));
  if (view.overlayRoutes.length > 0) files.push(render('app/routers/extensions.py'));
  for (const entity of view.entities) {
    files.push(render('app/routers/entity.py', `app/routers/${entity.module}.py`, { entity }));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const fastapiBackend: GeneratorAgent = {
  name: 'fastapi-backend',
  kind: 'backend',
  score: (ir) => (ir.stack.backend.value === 'fastapi' ? 100 : 0),
  generate: (ir, ctx) => backendFiles(ir, ctx),
};

export default fastapiBackend;
