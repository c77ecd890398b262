/**
 * Public API of the protection seam (docs/ARCHITECTURE.md, Protection schemes):
 * the interfaces a scheme implements and a model consumes, and the trivial
 * "none" scheme. Ciphers' implementations live with their cipher
 * (src/lib/cipher/bpe/protection.ts); never re-export one here.
 */
export {
  blockOrderIndex,
  type BlockLayout,
  type HostMatrix,
  type ProtectedInput,
  type ProtectionScheme,
  type TokenGeometry,
} from './protectedInput';
export { NO_PROTECTION, noProtection, noProtectionScheme } from './none';
