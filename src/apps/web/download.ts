/**
 * Saving files the user asks for: a Blob behind a same-origin blob: URL and a
 * temporary <a download>. Export names are neutral ("scan-1-encrypted.png");
 * callers never pass an original file name here.
 */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // give the browser a moment to start the download before the URL goes
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveBytes(bytes: Uint8Array, name: string, type: string): void {
  save(new Blob([bytes.slice().buffer as ArrayBuffer], { type }), name);
}

export function saveText(text: string, name: string, type = 'text/plain'): void {
  save(new Blob([text], { type }), name);
}
