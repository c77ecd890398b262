/**
 * A fetch for model files that reports the weights' download as it streams
 * (Content-Length and the body reader), so the loading bar moves with the bytes
 * rather than jumping from 10 % to 90 %. Same origin only, like every fetch here.
 * Must never: fetch a URL it was not given, or keep the bytes.
 */
export type ByteProgress = (received: number, total: number) => void;

export function progressFetch(
  onBytes: ByteProgress,
): (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> {
  return async (url) => {
    const res = await fetch(url);
    const total = Number(res.headers.get('content-length') ?? 0);
    if (!res.ok || !res.body || !total || !/\.bin$/.test(new URL(url, 'http://x/').pathname)) return res;
    return {
      ok: res.ok,
      status: res.status,
      async arrayBuffer() {
        // Content-Length counts the bytes on the wire: a compressed response streams more than that, so collect chunks
        const reader = res.body!.getReader();
        const chunks: Uint8Array[] = [];
        let received = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.length;
          onBytes(Math.min(received, total), total);
        }
        const out = new Uint8Array(received);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        return out.buffer;
      },
    };
  };
}
