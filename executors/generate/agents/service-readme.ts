// The `docs` agent: the generated service's README (what it is, how to run and configure it, its endpoints, data
// model and compliance notes), rendered from `templates/docs/README.md.eta`.
import type { GeneratorAgent } from '../lib/agent.js';
import { readmeView } from '../lib/readme-view.js';
import { renderTemplate } from '../lib/render.js';

const serviceReadme: GeneratorAgent = {
  name: 'service-readme',
  kind: 'docs',
  // The README explains how to run a FastAPI service; another backend needs its own.
  score: (ir) => (ir.stack.backend.value === 'fastapi' ? 1 : 0),
  generate: (ir, ctx) => [
    { path: 'README.md', content: renderTemplate('docs/README.md', readmeView(ir, ctx.qlfVersion)) },
  ],
};

export default serviceReadme;
