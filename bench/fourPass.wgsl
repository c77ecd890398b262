// BPE as four separate dispatches, one per step of DESIGN.md §3 — the GPU twin of
// src/cipher/bpe/fourPass.ts. It exists only as the "straightforward" baseline
// of the benchmark (bench/run.ts): same packing and workgroup layout as the fused
// kernel (bpe.wgsl), so the comparison is like for like. Never used to encrypt.
//
// Bindings (group 0, one explicit layout for all four entry points):
//   0 uniform  geo         imageSize, blockSize, blocksPerSide, imageBytes, strideWords
//   1 storage  inputWords  read        packed bytes, images at a stride of strideWords words
//   2 storage  outputWords read_write  same layout
//   3 storage  pixelPerm   read   B*B entries
//   4 storage  blockPerm   read   (S/B)^2 entries
//   5 storage  flipBits    read   B*B*3 entries, 0 or 1
//   6 storage  channelPerm read   B*B entries, 0..5 (index into ORDERS)
// Workgroup layout: @workgroup_size(64, 1, 1), one invocation per output word;
// dispatch (ceil(strideWords / 64), imageCount, 1).

struct Geometry {
  imageSize: u32,
  blockSize: u32,
  blocksPerSide: u32,
  imageBytes: u32,
  strideWords: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> geo: Geometry;
@group(0) @binding(1) var<storage, read> inputWords: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputWords: array<u32>;
@group(0) @binding(3) var<storage, read> pixelPerm: array<u32>;
@group(0) @binding(4) var<storage, read> blockPerm: array<u32>;
@group(0) @binding(5) var<storage, read> flipBits: array<u32>;
@group(0) @binding(6) var<storage, read> channelPerm: array<u32>;

const ORDERS = array<vec3<u32>, 6>(
  vec3<u32>(0u, 1u, 2u), vec3<u32>(0u, 2u, 1u), vec3<u32>(1u, 0u, 2u),
  vec3<u32>(1u, 2u, 0u), vec3<u32>(2u, 0u, 1u), vec3<u32>(2u, 1u, 0u),
);

struct Place {
  block: u32,   // block index, row-major
  position: u32, // pixel position inside the block, row-major
  channel: u32,
}

fn placeOf(i: u32) -> Place {
  let S = geo.imageSize;
  let B = geo.blockSize;
  let pixel = i / 3u;
  let y = pixel / S;
  let x = pixel % S;
  return Place((y / B) * geo.blocksPerSide + x / B, (y % B) * B + x % B, i % 3u);
}

fn indexOf(block: u32, position: u32, channel: u32) -> u32 {
  let B = geo.blockSize;
  let y = (block / geo.blocksPerSide) * B + position / B;
  let x = (block % geo.blocksPerSide) * B + position % B;
  return (y * geo.imageSize + x) * 3u + channel;
}

fn inputByte(imageBaseByte: u32, index: u32) -> u32 {
  let address = imageBaseByte + index;
  return (inputWords[address >> 2u] >> ((address & 3u) * 8u)) & 0xffu;
}

// The four steps, each "output byte i takes ...".
fn pixelScramble(base: u32, i: u32) -> u32 {
  let at = placeOf(i);
  return inputByte(base, indexOf(at.block, pixelPerm[at.position], at.channel));
}
fn blockShuffle(base: u32, i: u32) -> u32 {
  let at = placeOf(i);
  return inputByte(base, indexOf(blockPerm[at.block], at.position, at.channel));
}
fn negativePositive(base: u32, i: u32) -> u32 {
  let at = placeOf(i);
  let v = inputByte(base, i);
  return select(v, 255u - v, flipBits[at.position * 3u + at.channel] != 0u);
}
fn channelShuffle(base: u32, i: u32) -> u32 {
  let at = placeOf(i);
  let order = ORDERS[channelPerm[at.position]];
  return inputByte(base, indexOf(at.block, at.position, order[at.channel]));
}

fn wordIndex(gid: vec3<u32>) -> u32 {
  return gid.y * geo.strideWords + gid.x;
}

@compute @workgroup_size(64, 1, 1)
fn step1PixelScramble(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= geo.strideWords) { return; }
  let base = gid.y * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = gid.x * 4u + k;
    if (i < geo.imageBytes) { packed = packed | (pixelScramble(base, i) << (8u * k)); }
  }
  outputWords[wordIndex(gid)] = packed;
}

@compute @workgroup_size(64, 1, 1)
fn step2BlockShuffle(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= geo.strideWords) { return; }
  let base = gid.y * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = gid.x * 4u + k;
    if (i < geo.imageBytes) { packed = packed | (blockShuffle(base, i) << (8u * k)); }
  }
  outputWords[wordIndex(gid)] = packed;
}

@compute @workgroup_size(64, 1, 1)
fn step3NegativePositive(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= geo.strideWords) { return; }
  let base = gid.y * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = gid.x * 4u + k;
    if (i < geo.imageBytes) { packed = packed | (negativePositive(base, i) << (8u * k)); }
  }
  outputWords[wordIndex(gid)] = packed;
}

@compute @workgroup_size(64, 1, 1)
fn step4ChannelShuffle(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= geo.strideWords) { return; }
  let base = gid.y * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = gid.x * 4u + k;
    if (i < geo.imageBytes) { packed = packed | (channelShuffle(base, i) << (8u * k)); }
  }
  outputWords[wordIndex(gid)] = packed;
}
