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
// Pixel-wise. All three channels of an output pixel come from ONE source pixel
// (steps 1 and 2 move whole pixels, step 4 permutes channels within a pixel,
// step 3 inverts bytes), so a pixel needs one map entry and at most two input
// words. (A byte-wise kernel, one entry and one word per byte, measured 2-3x
// slower: bench/results/bpe.json history, report of 2026-11-23.)
//
// Pixel entry (u32): source pixel (bits 0..22) | source channel of output channel
// c (2 bits at 23 + 2c) | inversion of output channel c (bit 29 + c).
//
// Memory layout. WGSL has no u8 storage, so bytes are packed little-endian in u32
// words (byte k of a word is bits 8k..8k+7). One invocation handles 4 pixels =
// 12 bytes = 3 words. Images lie end to end with a stride of `strideWords` =
// 3 * ceil(S*S / 4) words; when S*S is not a multiple of 4 the tail of each image's
// stride is padding, written as 0.
//
// Bindings (group 0, one explicit layout for both entry points):
//   0 uniform  geo         Geometry below
//   1 storage  inputWords  read        batch of plain (or encrypted) images
//   2 storage  outputWords read_write  batch of results, same layout
//   3 storage  gatherWithTable : pixelQuads, S*S entries (padded to a multiple of 4),
//                                read as one vec4 per invocation
//              gatherWithBlocks: mapTable, B*B block-local entries (the in-block map is
//                                the same for every block: BPE's known weakness)
//   4 storage  blockPerm   read        gatherWithBlocks: (S/B)^2 entries, output block
//                                      slot -> input block (gatherWithTable: unused)
//
// Workgroup layout: @workgroup_size(64, 1, 1). An invocation handles one group of
// 4 pixels in IMAGES_PER_INVOCATION consecutive images (a pipeline-overridable
// constant), reading the map entry once for all of them. Dispatch
// (ceil(quadsPerImage / 64), ceil(imageCount / IMAGES_PER_INVOCATION), 1):
// global_invocation_id.x is the group of 4 pixels, .y the group of images. The
// image count is the output binding's length / strideWords (bind exactly the batch).

struct Geometry {
  imageSize: u32,     // S
  blockSize: u32,     // B
  blocksPerSide: u32, // S / B
  imageBytes: u32,    // S * S * 3
  strideWords: u32,   // 3 * ceil(S * S / 4)
  quadsPerImage: u32, // ceil(S * S / 4): invocations per image (no division in the kernel)
  pixelsPerImage: u32, // S * S
  pad0: u32,
}

@group(0) @binding(0) var<uniform> geo: Geometry;
@group(0) @binding(1) var<storage, read> inputWords: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputWords: array<u32>;
@group(0) @binding(3) var<storage, read> pixelQuads: array<vec4<u32>>; // gatherWithTable
@group(0) @binding(3) var<storage, read> mapTable: array<u32>;         // gatherWithBlocks
@group(0) @binding(4) var<storage, read> blockPerm: array<u32>;

// Images per invocation: amortizes the map read and the address arithmetic over
// images (about 2x on SwiftShader at 8); the host picks it (webgpu.ts).
override IMAGES_PER_INVOCATION: u32 = 4u;

const PIXEL_MASK: u32 = 0x7fffffu;

// The 3 output bytes of one pixel, packed in the low 24 bits.
fn pixelOut(imageBaseByte: u32, entry: u32) -> u32 {
  let address = imageBaseByte + (entry & PIXEL_MASK) * 3u;
  let w = address >> 2u;
  let shift = (address & 3u) * 8u;
  // A pixel spans a second word only when it starts at byte 2 or 3 of the first
  // (half the pixels); skip that load otherwise. w + 1 is then inside the image.
  let lo = inputWords[w];
  var hi = 0u;
  if (shift >= 16u) {
    hi = inputWords[w + 1u];
  }
  // The pixel's 3 source bytes in the low 24 bits (hi is 0 when shift < 16, and
  // the & 31 keeps the shift defined when shift is 0).
  let window = (lo >> shift) | (hi << ((32u - shift) & 31u));
  // Output channel c takes source channel (entry >> 23 + 2c) & 3, i.e. bit shift
  // 8 * that = (entry >> 20 + 2c) & 0x18.
  let picked = ((window >> ((entry >> 20u) & 0x18u)) & 0xffu)
    | (((window >> ((entry >> 22u) & 0x18u)) & 0xffu) << 8u)
    | (((window >> ((entry >> 24u) & 0x18u)) & 0xffu) << 16u);
  // 255 - v == v ^ 255 for a byte: expand the 3 inversion bits to byte masks.
  let flips = entry >> 29u;
  let mask = ((flips & 1u) * 0xffu) | ((flips & 2u) * 0x7f80u) | ((flips & 4u) * 0x3fc000u);
  return picked ^ mask;
}

// 4 pixels (12 bytes) as 3 words; pixels past the image's last (a partial last
// group) are written as 0, so the stride padding never carries image data.
fn storeQuad(image: u32, quad: u32, q: vec4<u32>) {
  let valid = vec4<u32>(quad * 4u) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(geo.pixelsPerImage);
  let p = select(vec4<u32>(0u), q, valid);
  let first = image * geo.strideWords + quad * 3u;
  outputWords[first] = p.x | (p.y << 24u);
  outputWords[first + 1u] = (p.y >> 8u) | (p.z << 16u);
  outputWords[first + 2u] = (p.z >> 16u) | (p.w << 8u);
}

// The 4 pixels of `quad`, mapped by entries `e`, in this invocation's images.
fn gatherQuadInImages(quad: u32, imageGroup: u32, e: vec4<u32>) {
  let images = arrayLength(&outputWords) / geo.strideWords;
  let firstImage = imageGroup * IMAGES_PER_INVOCATION;
  let endImage = min(firstImage + IMAGES_PER_INVOCATION, images);
  for (var image = firstImage; image < endImage; image = image + 1u) {
    let base = image * geo.strideWords * 4u;
    storeQuad(image, quad, vec4<u32>(pixelOut(base, e.x), pixelOut(base, e.y), pixelOut(base, e.z), pixelOut(base, e.w)));
  }
}

// Whole-image table: one 16-byte table read per 4 pixels, no coordinate arithmetic.
@compute @workgroup_size(64, 1, 1)
fn gatherWithTable(@builtin(global_invocation_id) gid: vec3<u32>) {
  let quad = gid.x;
  if (quad >= geo.quadsPerImage) {
    return;
  }
  gatherQuadInImages(quad, gid.y, pixelQuads[quad]);
}

// Block-local table: the source pixel is rebuilt from coordinates and the block permutation.
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
fn gatherWithBlocks(@builtin(global_invocation_id) gid: vec3<u32>) {
  let quad = gid.x;
  if (quad >= geo.quadsPerImage) {
    return;
  }
  let last = geo.pixelsPerImage - 1u; // clamp a partial group's coordinates into the image
  let p = quad * 4u;
  let e = vec4<u32>(blockPixelEntry(min(p, last)), blockPixelEntry(min(p + 1u, last)),
    blockPixelEntry(min(p + 2u, last)), blockPixelEntry(min(p + 3u, last)));
  gatherQuadInImages(quad, gid.y, e);
}
