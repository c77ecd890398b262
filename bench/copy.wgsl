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

// The same copy 16 bytes per invocation (dispatch (ceil(strideWords / 4 / 64),
// imageCount, 1); strideWords must be a multiple of 4). Wider accesses are the
// fastest plain copy on some devices (SwiftShader among them), so the benchmark's
// ceiling is the faster of the two.
@group(0) @binding(1) var<storage, read> inputQuads: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> outputQuads: array<vec4<u32>>;

@compute @workgroup_size(64, 1, 1)
fn copyVec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let perImage = geo.strideWords / 4u;
  if (gid.x >= perImage) { return; }
  let q = gid.y * perImage + gid.x;
  outputQuads[q] = inputQuads[q];
}
