// qlf's own workspace: the bundled examples are the briefs.
import { defineConfig } from './schemas/config.js';

export default defineConfig({
  briefs: ['examples/**/brief.qlf.yaml'],
  outDir: 'dist/qlf',
  cacheDir: '.qlf/cache',
  overlays: { dirs: [] },
});
