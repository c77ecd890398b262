"""Independent SSIM reference for src/lib/metrics/ssim.test.ts (numpy only).

Wang et al. 2004, as in their MATLAB ssim.m: 11x11 Gaussian window (sigma 1.5,
normalised), K1 = 0.01, K2 = 0.03, L = 255, 'valid' borders, mean of the map.
The test pair is built with integer formulas that ssim.test.ts repeats exactly.
Run: python3 src/lib/metrics/reference/ssim_reference.py
"""
import numpy as np


def test_pair(w=24, h=24):
    a = np.zeros((h, w), dtype=np.int64)
    b = np.zeros((h, w), dtype=np.int64)
    for y in range(h):
        for x in range(w):
            av = (x * x * 3 + y * 17 + x * y) % 256
            a[y, x] = av
            b[y, x] = min(255, ((av * 3) >> 2) + ((x * 5 + y * 3) % 23))
    return a.astype(np.float64), b.astype(np.float64)


def gaussian_window(size=11, sigma=1.5):
    r = np.arange(size) - (size - 1) / 2
    g = np.exp(-(r[None, :] ** 2 + r[:, None] ** 2) / (2 * sigma * sigma))
    return g / g.sum()


def filter_valid(img, win):
    k = win.shape[0]
    h, w = img.shape
    out = np.zeros((h - k + 1, w - k + 1))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = np.sum(img[y:y + k, x:x + k] * win)
    return out


def ssim(a, b):
    win = gaussian_window()
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    mu1, mu2 = filter_valid(a, win), filter_valid(b, win)
    s11 = filter_valid(a * a, win) - mu1 * mu1
    s22 = filter_valid(b * b, win) - mu2 * mu2
    s12 = filter_valid(a * b, win) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))
    return m.mean()


if __name__ == "__main__":
    a, b = test_pair()
    print(f"ssim(a, b) = {ssim(a, b):.10f}")
    print(f"ssim(a, 255 - a) = {ssim(a, 255 - a):.10f}")
