/**
 * The GPU copies of BPE plans for one GpuBpe instance (webgpu.ts): the Geometry
 * uniform and, per direction, the kernel's tables, uploaded on first use and
 * kept for a few plans (most recently used kept, oldest destroyed).
 *
 * Each cached table is as good as its key for decrypting: forget() must destroy
 * every buffer it holds (a forgotten or replaced key), and nothing here may read
 * a table back or log it.
 */
import type { BpePlan } from './plan';
import { geometryOf, kernelTables, type BpeDirection, type GpuPlanLayout } from './webgpuTables';

interface PlanBuffers {
  geometry: GPUBuffer;
  tables: Partial<Record<BpeDirection, { mapTable: GPUBuffer; blockPerm: GPUBuffer }>>;
}

export interface PlanTables {
  geometry: GPUBuffer;
  mapTable: GPUBuffer;
  blockPerm: GPUBuffer;
}

const MAX_CACHED_PLANS = 8;

export class PlanBufferCache {
  // Plans are cached by identity (planForKey results); a few at most, oldest evicted.
  private readonly planCache = new Map<BpePlan, PlanBuffers>();

  constructor(
    private readonly gpu: GPUDevice,
    private readonly layout: GpuPlanLayout,
  ) {}

  get size(): number {
    return this.planCache.size;
  }

  forget(): void {
    for (const entry of this.planCache.values()) destroyPlanBuffers(entry);
    this.planCache.clear();
  }

  private upload(data: Uint32Array, usage: number, label: string): GPUBuffer {
    const buffer = this.gpu.createBuffer({
      label,
      size: Math.max(16, data.byteLength),
      usage: usage | GPUBufferUsage.COPY_DST,
    });
    this.gpu.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  get(plan: BpePlan, direction: BpeDirection): PlanTables {
    const { planCache } = this;
    let entry = planCache.get(plan);
    if (!entry) {
      const geometry = geometryOf(plan); // Geometry in bpe.wgsl
      entry = { geometry: this.upload(geometry, GPUBufferUsage.UNIFORM, 'bpe geometry'), tables: {} };
      planCache.set(plan, entry);
      if (planCache.size > MAX_CACHED_PLANS) {
        const [oldPlan, old] = planCache.entries().next().value as [BpePlan, PlanBuffers];
        planCache.delete(oldPlan);
        destroyPlanBuffers(old);
      }
    } else {
      planCache.delete(plan); // re-insert: most recently used last
      planCache.set(plan, entry);
    }
    let tables = entry.tables[direction];
    if (!tables) {
      const { mapTable, blockPerm } = kernelTables(plan, direction, this.layout);
      tables = {
        mapTable: this.upload(mapTable, GPUBufferUsage.STORAGE, `bpe ${direction} map`),
        blockPerm: this.upload(blockPerm, GPUBufferUsage.STORAGE, `bpe ${direction} block permutation`),
      };
      entry.tables[direction] = tables;
    }
    return { geometry: entry.geometry, ...tables };
  }
}

function destroyPlanBuffers(entry: PlanBuffers): void {
  entry.geometry.destroy();
  for (const t of Object.values(entry.tables)) {
    t.mapTable.destroy();
    t.blockPerm.destroy();
  }
}
