// The fused BPE gather done byte by byte: one u32 map entry (src | flip << 31) and
// one input word per output byte, one invocation per output word. It was the first
// version of bpe.wgsl; the benchmark keeps it as a baseline so that the effect of
// fusing (this vs fourPass.wgsl) and of going pixel-wise (bpe.wgsl vs this) are
// reported separately. Never used to encrypt.
//
// Bindings: 0 uniform geo (imageBytes, strideWords), 1 storage read inputWords,
//           2 storage read_write outputWords, 3 storage read byteMap (S*S*3 entries).
// Workgroup layout: @workgroup_size(64, 1, 1), one invocation per output word;
// dispatch (ceil(strideWords / 64), imageCount, 1).

struct Geometry {
  imageBytes: u32,
  strideWords: u32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> geo: Geometry;
@group(0) @binding(1) var<storage, read> inputWords: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputWords: array<u32>;
@group(0) @binding(3) var<storage, read> byteMap: array<u32>;

const FLIP_BIT: u32 = 0x80000000u;

@compute @workgroup_size(64, 1, 1)
fn gatherBytes(@builtin(global_invocation_id) gid: vec3<u32>) {
  let word = gid.x;
  if (word >= geo.strideWords) {
    return;
  }
  let imageBaseByte = gid.y * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = word * 4u + k;
    if (i < geo.imageBytes) {
      let entry = byteMap[i];
      let address = imageBaseByte + (entry & ~FLIP_BIT);
      let v = (inputWords[address >> 2u] >> ((address & 3u) * 8u)) & 0xffu;
      packed = packed | (select(v, v ^ 0xffu, (entry & FLIP_BIT) != 0u) << (k * 8u));
    }
  }
  outputWords[gid.y * geo.strideWords + word] = packed;
}
