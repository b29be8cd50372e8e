// Where the overlays that ship with qlf live. A module of its own so that hashing them (every compile task's inputs)
// does not load the overlay parser.
import { packagePath } from '../../core/package-info.js';

/** Folder of the overlays that ship with qlf. */
export function builtinOverlayDir(): string {
  return packagePath('overlays', 'catalog');
}
