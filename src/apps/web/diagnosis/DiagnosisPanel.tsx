/**
 * Section 6 of the page: diagnosis on the encrypted image. Pick a trained model
 * (ModelPicker.tsx: ViT or Masked-CNN, brain MRI or lung histopathology — only
 * those that exist; a dataset opens on what its cross-validation chose, or without
 * one its validation split, with one line saying why), see which tfjs backend runs it and why, load it with a
 * progress bar, and diagnose the selected scan: plain model on the original and
 * key-adapted model on the encrypted image, side by side. Where a dataset ships
 * the ViT + Masked-CNN ensemble (models/ensemble-<dataset>/), it is offered first.
 * A second tab draws the committed evaluation reports. When no trained model is
 * served, it says so and offers nothing to click.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { classLabel } from '../../../lib/models/classNames';
import { MEMBER_LABELS } from '../../../lib/diagnosis/ensemble';
import { modelLabel } from '../../../lib/diagnosis/registry';
import { chosenModel, errorShown, useDiagnosis } from '../state/diagnosis';
import { selectedFile, useFiles } from '../state/files';
import { useKey } from '../state/key';
import { rovingKeyDown } from '../a11y/rovingFocus';
import { ModelPicker } from './ModelPicker';
import { diagnoseAll, diagnoseSelected, loadChosenModel, onKeyChanged, probeModels } from './actions';
import { AllScansTable } from './AllScansTable';
import { installDiagnosisTestHooks } from './diagnosisTestHooks';
import { loadingSentence } from './loadingSentence';
import { useModelWarmUp } from './warmUp';
import { outcomeSentence, SideBySideResult } from './SideBySideResult';
import './diagnosis.css';

// chart.js and the report parsing load only when the reports tab opens
const ReportView = lazy(() => import('./ReportView').then((m) => ({ default: m.ReportView })));

function BackendLine() {
  const backend = useDiagnosis((s) => s.backend);
  if (!backend)
    return (
      <p className="hint" data-testid="inference-backend" data-backend="">
        Inference backend: chosen when the first model loads (webgpu, webgl, wasm, cpu — the fastest that runs here).
      </p>
    );
  return (
    <p
      className="backend-line"
      data-testid="inference-backend"
      data-backend={backend.backend}
      title={backend.probes
        .map(
          (p) =>
            `${p.backend}: ${p.started ? (p.ms !== undefined ? `${p.ms.toFixed(1)} ms (${p.gflops!.toFixed(2)} GFLOP/s)` : 'started') : (p.note ?? 'not started')}${p.backend === 'webgpu' && p.note && p.started ? ` — ${p.note}` : ''}`,
        )
        .join('\n')}
    >
      Inference on <strong>{backend.backend}</strong> — {backend.label}; {backend.reason}.
      {backend.webgpuAdapter?.software ? ' Encryption still uses WebGPU.' : ''}
    </p>
  );
}

function LoadProgress() {
  const loading = useDiagnosis((s) => s.loading);
  if (!loading) return null;
  return (
    <div className="model-progress" data-testid="model-loading" data-stage={loading.stage}>
      <label htmlFor="model-progress">{loadingSentence(loading)}</label>
      <progress id="model-progress" data-testid="model-progress" max={1} value={loading.fraction} />
    </div>
  );
}

function DiagnoseTab() {
  const state = useDiagnosis();
  const entry = chosenModel(state);
  const file = useFiles((s) => selectedFile(s));
  const key = useKey((s) => s.key);
  const hasScans = useFiles((s) => s.files.some((f) => f.modelInput));
  const fileResults = file ? state.byFile[file.id] : undefined;
  const shown = entry && fileResults?.[entry.name];
  const current = shown && key && shown.keyCheck === key.check ? shown.result : null;
  const info = entry ? state.loaded[entry.name] : undefined;
  const error = errorShown(state, entry?.name, file?.id);
  return (
    <>
      <ModelPicker />
      {entry && (
        <p className="hint" data-testid="model-facts">
          {entry.name}: classes {entry.classes.map(classLabel).join(', ')}; weights{' '}
          {(entry.weightsBytes / 1e6).toFixed(2)} MB ({entry.dtype})
          {entry.ensemble
            ? `, members ${entry.ensemble.members.map((m) => MEMBER_LABELS[m.architecture]).join(' + ')}`
            : ''}
          {info
            ? ` · loaded in ${info.loadMs.toFixed(0)} ms, warm-up ${info.warmUpMs.toFixed(0)} ms, ${info.parameters.toLocaleString('en')} parameters`
            : ''}
        </p>
      )}
      <BackendLine />
      <LoadProgress />
      <div className="diagnosis-actions">
        <button
          data-testid="load-model"
          disabled={!entry || state.busy || state.loading !== null || info !== undefined}
          onClick={() => void loadChosenModel()}
        >
          {info ? 'Model loaded' : 'Load model'}
        </button>
        <button
          className="primary"
          data-testid="diagnose"
          // not disabled while a model loads: the click joins the load (a background warm-up) and diagnoses after it
          disabled={!entry || !file?.modelInput || !key || state.busy}
          onClick={() => void diagnoseSelected()}
        >
          {state.busy ? 'Diagnosing…' : 'Diagnose selected scan'}
        </button>
        <button
          data-testid="diagnose-all"
          disabled={!entry || !key || state.busy || !hasScans}
          onClick={() => void diagnoseAll()}
        >
          Diagnose all loaded scans
        </button>
        {!key && <span className="hint">A key is needed for the encrypted side.</span>}
        {!file?.modelInput && <span className="hint">Load a scan first.</span>}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="diagnosis-error">
          {error}
        </p>
      )}
      {/* always present, so a screen reader announces each new outcome (a region inserted with its text is often not read) */}
      <p className="visually-hidden" aria-live="polite" data-testid="diagnosis-announcement">
        {current ? outcomeSentence(current) : ''}
      </p>
      {/* keyed by scan and model: "show anyway" opened for one scan must not show the next scan's class unasked */}
      {current && file && entry && <SideBySideResult key={`${file.id}|${entry.name}`} result={current} />}
      {entry && key && <AllScansTable model={entry.name} label={modelLabel(entry)} keyCheck={key.check} />}
      <p className="hint">
        Research models trained here on public datasets; not a medical device. The encrypted side never sees the
        original pixels: its model was adapted to your key in the browser.
      </p>
    </>
  );
}

export function DiagnosisPanel() {
  const status = useDiagnosis((s) => s.modelsStatus);
  const models = useDiagnosis((s) => s.models);
  const error = useDiagnosis((s) => s.error);
  const keyCheck = useKey((s) => s.key?.check ?? null);
  const [tab, setTab] = useState<'diagnose' | 'reports'>('diagnose');

  useEffect(() => {
    installDiagnosisTestHooks();
    void probeModels();
  }, []);
  useEffect(() => onKeyChanged(), [keyCheck]);
  useModelWarmUp();

  return (
    <section className="panel diagnosis" aria-labelledby="diagnosis-title" data-testid="diagnosis-panel">
      <div className="panel-head">
        <h2 id="diagnosis-title">6. Diagnosis on the encrypted image</h2>
        <div className="tabs" role="tablist" aria-label="Diagnosis views" onKeyDown={rovingKeyDown}>
          <button
            role="tab"
            aria-selected={tab === 'diagnose'}
            id="tab-diagnose"
            aria-controls="diagnosis-tabpanel"
            tabIndex={tab === 'diagnose' ? 0 : -1}
            className={tab === 'diagnose' ? 'primary' : ''}
            data-testid="tab-diagnose"
            onClick={() => setTab('diagnose')}
          >
            Diagnose
          </button>
          <button
            role="tab"
            aria-selected={tab === 'reports'}
            id="tab-reports"
            aria-controls="diagnosis-tabpanel"
            tabIndex={tab === 'reports' ? 0 : -1}
            className={tab === 'reports' ? 'primary' : ''}
            data-testid="tab-reports"
            onClick={() => setTab('reports')}
          >
            Evaluation reports
          </button>
        </div>
      </div>
      <div role="tabpanel" id="diagnosis-tabpanel" aria-labelledby={`tab-${tab}`}>
        {status === 'probing' || status === 'unknown' ? (
          <p className="hint">Looking for trained models…</p>
        ) : tab === 'reports' ? (
          <Suspense fallback={<p className="hint">Loading the report view…</p>}>
            <ReportView models={models} />
          </Suspense>
        ) : models.length === 0 ? (
          <p className="hint" data-testid="no-model">
            No trained model available: nothing was found under models/ on this server. Diagnosis stays off rather than
            guessing.
            {status === 'error' && error ? ` (${error})` : ''}
          </p>
        ) : (
          <DiagnoseTab />
        )}
      </div>
    </section>
  );
}
