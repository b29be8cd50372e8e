// The overlay engine's public API: load overlay files, resolve which apply, and apply them to an IR.

export type { ApplyOverlaysOptions } from './lib/apply-overlays.js';
export { applyOverlays } from './lib/apply-overlays.js';
export { didYouMean, didYouMeanText } from './lib/did-you-mean.js';
export { builtinOverlayDir, loadOverlayRegistry } from './lib/load-overlay-registry.js';
export { parseOverlay } from './lib/parse-overlay.js';
export { compareApplicationOrder, resolveOverlays } from './lib/resolve-overlays.js';
export type {
  LoadedOverlay,
  OverlayReason,
  OverlayRegistry,
  OverlayRequest,
  ResolvedOverlay,
  ResolvedOverlays,
} from './lib/types.js';
