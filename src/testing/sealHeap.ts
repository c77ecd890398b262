/**
 * node-seal's Node build with a view of its wasm heap, for leak tests: the size
 * of the WebAssembly.Memory that SEAL's objects live in. Emscripten's heap only
 * grows (memory.grow), so "does not grow over a loop" is a sound no-leak test
 * once the loop has warmed up the allocator: every leaked ciphertext (at least
 * 2 x 2 x 8192 x 8 bytes in memory) would have to be placed somewhere. The
 * memory is captured by wrapping WebAssembly.instantiate while the library loads
 * (node-seal does not expose its module). Test-only.
 */
import SEAL from 'node-seal/throws_wasm_node_umd';
import type { Seal } from '../lib/cipher/ckks';

let loaded: Promise<{ seal: Seal; heapBytes: () => number }> | undefined;

export function loadSealWithHeap(): Promise<{ seal: Seal; heapBytes: () => number }> {
  loaded ??= (async () => {
    const memories: WebAssembly.Memory[] = [];
    const original = WebAssembly.instantiate;
    const wrapped = async (...args: Parameters<typeof WebAssembly.instantiate>) => {
      const result = (await (original as (...a: unknown[]) => Promise<unknown>)(...args)) as
        WebAssembly.Instance | WebAssembly.WebAssemblyInstantiatedSource;
      const instance = result instanceof WebAssembly.Instance ? result : result.instance;
      for (const e of Object.values(instance.exports)) if (e instanceof WebAssembly.Memory) memories.push(e);
      return result;
    };
    WebAssembly.instantiate = wrapped as typeof WebAssembly.instantiate;
    try {
      const seal = await SEAL();
      if (memories.length !== 1) throw new Error(`expected one wasm memory from node-seal, saw ${memories.length}`);
      return { seal, heapBytes: () => memories[0].buffer.byteLength };
    } finally {
      WebAssembly.instantiate = original;
    }
  })();
  return loaded;
}
