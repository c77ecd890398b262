import { beforeEach, describe, expect, it } from 'vitest';
import { useFiles } from './files';
import { useKey, shortCheck } from './key';
import { useResults } from './results';
import { useSettings } from './settings';

const bytes = new Uint8Array([1, 2, 3]);

describe('files store', () => {
  beforeEach(() => useFiles.setState({ files: [], selectedId: null, batch: null, nextNumber: 1 }));

  it('gives every file a neutral export label, never its original name', () => {
    const added = useFiles.getState().add([
      { originalName: 'DOE^JANE_1234567.dcm', source: 'upload', synthetic: false, bytes },
      { originalName: 'synthetic-phantom-normal.png', source: 'sample', synthetic: true, bytes },
    ]);
    expect(added.map((f) => f.label)).toEqual(['scan-1', 'scan-2-synthetic']);
    expect(added.every((f) => !f.label.includes('DOE'))).toBe(true);
    expect(useFiles.getState().selectedId).toBe('scan-1');
    expect(added.every((f) => f.status === 'queued')).toBe(true);
  });

  it('a new key sends encrypted files back to ready, and removal moves the selection', () => {
    const [a, b] = useFiles.getState().add([
      { originalName: 'a.png', source: 'upload', synthetic: false, bytes },
      { originalName: 'b.png', source: 'upload', synthetic: false, bytes },
    ]);
    useFiles.getState().update(a.id, { status: 'encrypted' });
    useFiles.getState().update(b.id, { status: 'error', error: 'truncated file' });
    useFiles.getState().resetEncrypted();
    expect(useFiles.getState().files.map((f) => f.status)).toEqual(['ready', 'error']);
    useFiles.getState().remove(a.id);
    expect(useFiles.getState().selectedId).toBe(b.id);
  });
});

describe('key and results stores', () => {
  it('shows only a short check value, and forgetting clears the key', () => {
    const key = { master: new Uint8Array(32), origin: 'random' as const, check: '0123456789abcdef' };
    useKey.getState().setKey(key);
    expect(shortCheck(useKey.getState().key)).toBe('01234567');
    useKey.getState().forget();
    expect(useKey.getState().key).toBeNull();
  });

  it('clearAll drops every result and the opened file', () => {
    const image = { width: 1, height: 1, data: new Uint8Array(3) };
    useResults.getState().patch('scan-1', { encrypted: image });
    useResults.getState().setOpened({ kind: 'package', image, details: [], matchesFileId: null });
    useResults.getState().clearAll();
    expect(useResults.getState().byFile).toEqual({});
    expect(useResults.getState().opened).toBeNull();
  });
});

describe('settings store', () => {
  it('clamps zoom and split position', () => {
    useSettings.getState().setView({ zoom: 100, x: 0, y: 0 });
    expect(useSettings.getState().view.zoom).toBe(16);
    useSettings.getState().setView({ zoom: 0.1, x: 0, y: 0 });
    expect(useSettings.getState().view.zoom).toBe(1);
    useSettings.getState().setSplit({ position: 140 });
    expect(useSettings.getState().split.position).toBe(100);
    useSettings.getState().setSplit({ position: -3 });
    expect(useSettings.getState().split.position).toBe(0);
  });
});
