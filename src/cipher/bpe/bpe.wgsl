// Block-pixel encryption (bpe-v1) on the GPU: the fused gather + conditional
// inversion of DESIGN.md §3, for a whole batch of images in one dispatch.
//
//   out[i] = flip[i] ? 255 - in[src[i]] : in[src[i]]     (i < S*S*3, per image)
//
// Decryption is the same kernel fed with the inverse map (bpe.ts decryptionMap).
// The TypeScript reference (bpe.ts `gather`) is the specification: this kernel
// must match it byte for byte (e2e/gpu.spec.ts). It must never round, clamp or
// convert to float: BPE is lossless.
//
// Memory layout. WGSL has no u8 storage, so bytes are packed little-endian in u32
// words (byte k of a word is bits 8k..8k+7). Images lie end to end with a stride
// of `strideWords` words = ceil(S*S*3 / 4); when S*S*3 is not a multiple of 4 the
// last word of each image is padded with zero bytes, which the kernel writes as 0.
//
// Bindings (group 0, one explicit layout shared by both entry points):
//   0 uniform  geo        Geometry below
//   1 storage  inputWords  read       batch of plain (or encrypted) images
//   2 storage  outputWords read_write batch of results, same layout
//   3 storage  mapTable    read       gatherWithTable : S*S*3 entries, src | flip << 31
//                                     gatherWithBlocks: B*B*3 entries, block-local src | flip << 31
//   4 storage  blockPerm   read       gatherWithBlocks: (S/B)^2 entries, output block slot -> input block
//                                     (gatherWithTable ignores it; bind any small buffer)
//
// Workgroup layout: @workgroup_size(64, 1, 1); one invocation per OUTPUT word
// (4 output bytes, 4 gathered source bytes). Dispatch
// (ceil(strideWords / 64), imageCount, 1): global_invocation_id.y is the image.

struct Geometry {
  imageSize: u32,     // S
  blockSize: u32,     // B
  blocksPerSide: u32, // S / B
  imageBytes: u32,    // S * S * 3
  strideWords: u32,   // ceil(imageBytes / 4)
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> geo: Geometry;
@group(0) @binding(1) var<storage, read> inputWords: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputWords: array<u32>;
@group(0) @binding(3) var<storage, read> mapTable: array<u32>;
@group(0) @binding(4) var<storage, read> blockPerm: array<u32>;

const FLIP_BIT: u32 = 0x80000000u;

fn inputByte(imageBaseByte: u32, index: u32) -> u32 {
  let address = imageBaseByte + index;
  return (inputWords[address >> 2u] >> ((address & 3u) * 8u)) & 0xffu;
}

// One mapped byte, entry = src | flip << 31. 255 - v == v ^ 255 for a byte.
fn mappedByte(imageBaseByte: u32, entry: u32) -> u32 {
  let v = inputByte(imageBaseByte, entry & ~FLIP_BIT);
  return select(v, v ^ 0xffu, (entry & FLIP_BIT) != 0u);
}

// Whole-image table: one table read per byte, no arithmetic on coordinates.
@compute @workgroup_size(64, 1, 1)
fn gatherWithTable(@builtin(global_invocation_id) gid: vec3<u32>) {
  let word = gid.x;
  if (word >= geo.strideWords) {
    return;
  }
  let image = gid.y;
  let imageBaseByte = image * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = word * 4u + k;
    if (i < geo.imageBytes) {
      packed = packed | (mappedByte(imageBaseByte, mapTable[i]) << (k * 8u));
    }
  }
  outputWords[image * geo.strideWords + word] = packed;
}

// Block-local table: the in-block map is the same for every block (the known
// weakness of BPE, DESIGN.md §3), so a B*B*3 table and the block permutation
// suffice; the source address is rebuilt from coordinates in the kernel.
fn blockEntry(i: u32) -> u32 {
  let S = geo.imageSize;
  let B = geo.blockSize;
  let pixel = i / 3u;
  let channel = i - pixel * 3u;
  let y = pixel / S;
  let x = pixel - y * S;
  let slotY = y / B;
  let slotX = x / B;
  let local = ((y - slotY * B) * B + (x - slotX * B)) * 3u + channel;
  let entry = mapTable[local];
  let s = entry & ~FLIP_BIT;
  let fromBlock = blockPerm[slotY * geo.blocksPerSide + slotX];
  let fromY = fromBlock / geo.blocksPerSide;
  let fromX = fromBlock - fromY * geo.blocksPerSide;
  let q = s / 3u;
  let qy = q / B;
  let srcY = fromY * B + qy;
  let srcX = fromX * B + (q - qy * B);
  return ((srcY * S + srcX) * 3u + (s - q * 3u)) | (entry & FLIP_BIT);
}

@compute @workgroup_size(64, 1, 1)
fn gatherWithBlocks(@builtin(global_invocation_id) gid: vec3<u32>) {
  let word = gid.x;
  if (word >= geo.strideWords) {
    return;
  }
  let image = gid.y;
  let imageBaseByte = image * geo.strideWords * 4u;
  var packed = 0u;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let i = word * 4u + k;
    if (i < geo.imageBytes) {
      packed = packed | (mappedByte(imageBaseByte, blockEntry(i)) << (k * 8u));
    }
  }
  outputWords[image * geo.strideWords + word] = packed;
}

// ---- pixel-wise kernels -------------------------------------------------------
// All three channels of an output pixel come from ONE source pixel (steps 1, 2
// move whole pixels; step 4 permutes channels within a pixel; step 3 flips bytes).
// So a pixel needs one table entry and at most two input words instead of three
// entries and three words. One invocation handles 4 pixels = 12 bytes = 3 words.
//
// Pixel entry: source pixel (bits 0..22) | source channel of output channel c
// (2 bits at 23 + 2c) | inversion of output channel c (bit 29 + c).

const PIXEL_MASK: u32 = 0x7fffffu;

// The 3 output bytes of one pixel, packed in the low 24 bits.
fn pixelOut(imageBaseByte: u32, entry: u32) -> u32 {
  let address = imageBaseByte + (entry & PIXEL_MASK) * 3u;
  let w = address >> 2u;
  let offset = address & 3u;
  // 8 bytes from the word holding the pixel's first byte; a pixel spans at most 2 words.
  let lo = inputWords[w];
  let hi = inputWords[min(w + 1u, arrayLength(&inputWords) - 1u)];
  var packed = 0u;
  for (var c = 0u; c < 3u; c = c + 1u) {
    let o = offset + ((entry >> (23u + 2u * c)) & 3u);
    var v = select(hi >> ((o - 4u) * 8u), lo >> (o * 8u), o < 4u) & 0xffu;
    v = v ^ (((entry >> (29u + c)) & 1u) * 0xffu);
    packed = packed | (v << (8u * c));
  }
  return packed;
}

// Write 4 pixels (12 bytes) as 3 words.
fn storeQuad(firstWord: u32, p0: u32, p1: u32, p2: u32, p3: u32) {
  outputWords[firstWord] = p0 | (p1 << 24u);
  outputWords[firstWord + 1u] = (p1 >> 8u) | (p2 << 16u);
  outputWords[firstWord + 2u] = (p2 >> 16u) | (p3 << 8u);
}

@compute @workgroup_size(64, 1, 1)
fn gatherPixelsWithTable(@builtin(global_invocation_id) gid: vec3<u32>) {
  let quad = gid.x;
  let quads = geo.strideWords / 3u;
  if (quad >= quads) {
    return;
  }
  let image = gid.y;
  let imageBaseByte = image * geo.strideWords * 4u;
  let pixels = geo.imageSize * geo.imageSize;
  var out: array<u32, 4>;
  for (var j = 0u; j < 4u; j = j + 1u) {
    let p = quad * 4u + j;
    out[j] = select(0u, pixelOut(imageBaseByte, mapTable[min(p, pixels - 1u)]), p < pixels);
  }
  storeQuad(image * geo.strideWords + quad * 3u, out[0], out[1], out[2], out[3]);
}

// Block-local pixel entries (B*B of them, same for every block) + block permutation.
fn blockPixelEntry(p: u32) -> u32 {
  let S = geo.imageSize;
  let B = geo.blockSize;
  let y = p / S;
  let x = p - y * S;
  let slotY = y / B;
  let slotX = x / B;
  let entry = mapTable[(y - slotY * B) * B + (x - slotX * B)];
  let fromBlock = blockPerm[slotY * geo.blocksPerSide + slotX];
  let fromY = fromBlock / geo.blocksPerSide;
  let fromX = fromBlock - fromY * geo.blocksPerSide;
  let q = entry & PIXEL_MASK;
  let qy = q / B;
  let srcPixel = (fromY * B + qy) * S + fromX * B + (q - qy * B);
  return srcPixel | (entry & ~PIXEL_MASK);
}

@compute @workgroup_size(64, 1, 1)
fn gatherPixelsWithBlocks(@builtin(global_invocation_id) gid: vec3<u32>) {
  let quad = gid.x;
  let quads = geo.strideWords / 3u;
  if (quad >= quads) {
    return;
  }
  let image = gid.y;
  let imageBaseByte = image * geo.strideWords * 4u;
  let pixels = geo.imageSize * geo.imageSize;
  var out: array<u32, 4>;
  for (var j = 0u; j < 4u; j = j + 1u) {
    let p = quad * 4u + j;
    out[j] = select(0u, pixelOut(imageBaseByte, blockPixelEntry(min(p, pixels - 1u))), p < pixels);
  }
  storeQuad(image * geo.strideWords + quad * 3u, out[0], out[1], out[2], out[3]);
}
