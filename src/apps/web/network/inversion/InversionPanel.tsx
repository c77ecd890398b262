/**
 * The model-inversion attacks side by side (issue 17, "The page"): the scan, the
 * dataset's average image (the guess that needs no leak), and what each attacker
 * reconstructs — from an unprotected update (closed form, and DLG), from the
 * plaintext class token, and from what our server holds — each scored with PSNR,
 * SSIM and NMI against the scan, with a one-line verdict.
 */
import type { InversionKind } from '../../../../lib/attacks/inversion';
import type { RgbImage } from '../../../../lib/image/rgb';
import { formatMetric, type LeakageMetrics } from '../../../../lib/metrics/leakage';
import { ImageCanvas } from '../../components/ImageCanvas';
import { selectedFile, useFiles } from '../../state/files';
import type { AttackOutcome } from './inversion.worker';
import { runInversionAttacks, useInversion } from './actions';
import { ATTACK_TITLES, PAGE_ATTACK_ORDER, PAGE_INVERSION_SETTINGS, describeSettings } from './settings';
import { verdict } from './verdicts';

/** A figure's image: the views' drawer, without their shared zoom. */
const FigureImage = (props: { image: RgbImage; label: string; testId: string }) => (
  <ImageCanvas zoom={false} className="network-image" {...props} />
);

const ATTACKED: Record<AttackOutcome['attacked'], string> = {
  'shipped-vit': 'the shipped ViT',
  'small-patch-net': 'a small model (32 × 32 input)',
  'dense-first-layer':
    'a model whose first layer is dense with a bias (the shipped ViT of this dataset has a stem the closed form does not pass)',
};

function Scores({ m, testId }: { m: Pick<LeakageMetrics, 'psnr' | 'ssim' | 'nmi'>; testId: string }) {
  return (
    <dl
      className="network-scores"
      data-testid={testId}
      data-psnr={String(m.psnr)}
      data-ssim={String(m.ssim)}
      data-nmi={String(m.nmi)}
    >
      <dt>PSNR</dt>
      <dd>{formatMetric('psnr', m.psnr)}</dd>
      <dt>SSIM</dt>
      <dd>{formatMetric('ssim', m.ssim)}</dd>
      <dt>NMI</dt>
      <dd>{formatMetric('nmi', m.nmi)}</dd>
    </dl>
  );
}

function AttackCard({ kind }: { kind: InversionKind }) {
  const result = useInversion((s) => s.results[kind]);
  const error = useInversion((s) => s.errors[kind]);
  const running = useInversion((s) => s.running === kind);
  const { title, holds } = ATTACK_TITLES[kind];
  return (
    <figure
      className="network-card"
      data-testid={`inv-card-${kind}`}
      data-seconds={result?.details.seconds}
      aria-busy={running}
    >
      {result ? (
        <FigureImage image={result.reconstruction} label={`${title}: reconstruction`} testId={`inv-image-${kind}`} />
      ) : (
        <div className="network-image network-placeholder">{running ? 'running…' : error ? 'failed' : 'waiting'}</div>
      )}
      <figcaption>
        <strong>{title}</strong>
        <span className="hint">The attacker holds {holds}.</span>
        {result && (
          <>
            <Scores m={result.metrics} testId={`inv-scores-${kind}`} />
            <span className="hint">
              Attacked: {ATTACKED[result.attacked]}; scored at {result.size} × {result.size} px, where the average image
              scores {formatMetric('psnr', result.meanImage.psnr)}; {result.details.seconds} s.
            </span>
            <span className="network-verdict" data-testid={`inv-verdict-${kind}`}>
              {verdict(kind, result.metrics, result.meanImage)}
            </span>
          </>
        )}
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

export function InversionPanel() {
  const file = useFiles(selectedFile);
  const running = useInversion((s) => s.running);
  const shownFor = useInversion((s) => s.fileId);
  const original = useInversion((s) => s.original);
  const error = useInversion((s) => s.error);
  const model = useInversion((s) => s.model);
  // the average image's scores at the scan's own size (any full-size attack carries them)
  const baseline = useInversion(
    (s) => PAGE_ATTACK_ORDER.map((k) => s.results[k]).find((r) => r && r.size === s.original?.width) ?? null,
  );
  const stale = shownFor !== null && shownFor !== file?.id;

  return (
    <section className="panel network-panel" aria-labelledby="inv-title" data-testid="inv-panel">
      <h3 id="inv-title">Model-inversion attacks on this scan</h3>
      <p className="hint">
        What could someone rebuild of this scan from what leaves a hospital? Each attack runs here, in a worker, on the
        scan on screen; nothing is sent. Scores compare each reconstruction with the scan: PSNR (higher is closer; the
        same image is infinite), SSIM and NMI (1 is the same image). The average image of the dataset&apos;s Training
        split is the guess anyone can make without a leak. No LPIPS: its network&apos;s weights cannot be installed
        here. A plaintext token that this optimiser cannot invert is not safe: a stronger attacker (a decoder trained on
        public scans) may do better, which is why the token leaves only encrypted.
      </p>
      <p className="hint" data-testid="inv-settings">
        {describeSettings(PAGE_INVERSION_SETTINGS)}
      </p>
      <button
        type="button"
        data-testid="inv-run"
        disabled={!file?.modelInput || running !== null}
        onClick={() => void runInversionAttacks()}
      >
        Run the attacks on this scan
      </button>
      {!file?.modelInput && <p className="hint">Load a scan first.</p>}
      <p role="status" aria-live="polite" className="hint" data-testid="inv-status">
        {running ? `Running: ${ATTACK_TITLES[running].title}…` : model && !stale ? `Attacker's model: ${model}.` : ''}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="inv-error">
          {error}
        </p>
      )}
      {original && !stale && (
        <div className="network-grid">
          <figure className="network-card">
            <FigureImage image={original} label="The scan (model input)" testId="inv-original" />
            <figcaption>
              <strong>The scan</strong>
              <span className="hint">What each reconstruction is scored against.</span>
            </figcaption>
          </figure>
          <figure className="network-card" data-testid="inv-baseline-card">
            {baseline ? (
              <FigureImage image={baseline.mean} label="The dataset's average image" testId="inv-mean" />
            ) : (
              <div className="network-image network-placeholder">waiting</div>
            )}
            <figcaption>
              <strong>Average image (baseline)</strong>
              <span className="hint">The mean of Training images of this dataset: no leak needed.</span>
              {baseline && <Scores m={baseline.meanImage} testId="inv-scores-baseline" />}
            </figcaption>
          </figure>
          {PAGE_ATTACK_ORDER.map((kind) => (
            <AttackCard key={kind} kind={kind} />
          ))}
        </div>
      )}
    </section>
  );
}
