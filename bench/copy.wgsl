// Plain copy of a packed image batch: the bandwidth ceiling for the BPE benchmark.
// Same buffers, word size and workgroup layout as bpe.wgsl, so "fused / copy" says
// how close the gather comes to just moving the bytes. Never used on real data.
//
// Bindings: 0 uniform geo (strideWords), 1 storage read inputWords,
//           2 storage read_write outputWords.
// Workgroup layout: @workgroup_size(64, 1, 1), one invocation per word;
// dispatch (ceil(strideWords / 64), imageCount, 1).

struct Geometry {
  strideWords: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> geo: Geometry;
@group(0) @binding(1) var<storage, read> inputWords: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputWords: array<u32>;

@compute @workgroup_size(64, 1, 1)
fn copyWords(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= geo.strideWords) { return; }
  let w = gid.y * geo.strideWords + gid.x;
  outputWords[w] = inputWords[w];
}
