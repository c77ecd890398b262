/** The tfjs backends inference may use, in the order they are tried. No imports: the page's bundle uses this without pulling in tfjs. */
export type InferenceBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly InferenceBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
