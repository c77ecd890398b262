// Unpacks BPE output (8-bit RGB bytes, packed four to a u32 word, as the BPE
// kernel writes them) into float32 values 0..255, the model's input layout
// [N, S, S, 3] row-major. Bindings: 0 uniform {count: total values, stride words
// per image, values per image}, 1 packed bytes (read), 2 floats (write).
// One invocation per output value; workgroups of 64 along x, images along y.
struct Geometry {
  valuesPerImage: u32,
  strideWords: u32,
  images: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> geometry: Geometry;
@group(0) @binding(1) var<storage, read> packed: array<u32>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;

@compute @workgroup_size(64)
fn unpackBytes(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  let image = id.y;
  if (i >= geometry.valuesPerImage || image >= geometry.images) {
    return;
  }
  let word = packed[image * geometry.strideWords + i / 4u];
  let byte = (word >> (8u * (i % 4u))) & 0xffu;
  values[image * geometry.valuesPerImage + i] = f32(byte);
}
