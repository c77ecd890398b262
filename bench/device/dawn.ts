/**
 * Dawn (the `webgpu` package's dawn.node) as this process's WebGPU: its globals
 * (GPUBufferUsage, …) and `navigator.gpu`, which Node 20 lacks and the project's
 * WebGPU code asks for, as in the page. Shared by the device checks.
 */
interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** Installs Dawn from the package's index.js and returns its GPU. */
export async function installDawn(modulePath: string): Promise<GPU> {
  const dawn = (await import(modulePath)) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}
