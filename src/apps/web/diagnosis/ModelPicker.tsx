/**
 * The model picker of the diagnosis panel: dataset, then model (the ensemble first
 * where it ships, then ViT and Masked-CNN, only those that exist), and under it
 * one line saying why the dataset's default is the default — what its
 * cross-validation chose, with the figures from ensemble.json or the model cards, or,
 * with no cross-validation, what its validation split chose (registry.ts datasetDefault), tied to that model's button by aria-describedby.
 */
import {
  ARCHITECTURE_LABELS,
  ARCHITECTURES,
  DATASET_LABELS,
  datasetDefault,
  DATASETS,
  type Architecture,
  type DatasetName,
  type ModelEntry,
} from '../../../lib/diagnosis/registry';
import { useDiagnosis } from '../state/diagnosis';
import { rovingKeyDown } from '../a11y/rovingFocus';

/** The picker of the diagnosis store's models and choice. */
export function ModelPicker() {
  const { models, architecture, dataset, choose } = useDiagnosis();
  // not disabled while a model loads (a background warm-up may be loading one): a radio disabled under the
  // keyboard loses focus, and another choice simply loads after it
  const busy = useDiagnosis((s) => s.busy);
  return <ModelPickerView {...{ models, architecture, dataset, busy, choose }} />;
}

export interface ModelPickerProps {
  models: ModelEntry[];
  architecture: Architecture;
  dataset: DatasetName;
  busy: boolean;
  choose(patch: { architecture?: Architecture; dataset?: DatasetName }): void;
}

/** The picker itself, from its props (rendered in tests without the store). */
export function ModelPickerView({ models, architecture, dataset, busy, choose }: ModelPickerProps) {
  const exists = (a: string, d: string) => models.some((m) => m.architecture === a && m.dataset === d);
  const ensemble = models.find((m) => m.architecture === 'ensemble' && m.dataset === dataset)?.ensemble;
  // the ensemble is offered only where it ships, first
  const choices: Architecture[] = ensemble ? ['ensemble', ...ARCHITECTURES] : [...ARCHITECTURES];
  // what cross-validation (or, without one, the validation split) chose here, and why
  const preferred = datasetDefault(models, dataset);
  return (
    <div className="model-picker">
      <label className="param">
        Dataset
        <select
          data-testid="model-dataset"
          value={dataset}
          disabled={busy}
          onChange={(e) => choose({ dataset: e.target.value as typeof dataset })}
        >
          {DATASETS.map((d) => (
            <option key={d} value={d} disabled={!ARCHITECTURES.some((a) => exists(a, d))}>
              {DATASET_LABELS[d]}
              {ARCHITECTURES.some((a) => exists(a, d)) ? '' : ' (no trained model)'}
            </option>
          ))}
        </select>
      </label>
      <div className="arch-choice" role="radiogroup" aria-label="Model" onKeyDown={rovingKeyDown}>
        {choices.map((a) => (
          <button
            key={a}
            role="radio"
            aria-checked={architecture === a}
            tabIndex={architecture === a ? 0 : -1}
            className={architecture === a ? 'primary' : ''}
            data-testid={`model-arch-${a}`}
            aria-describedby={a === preferred?.entry.architecture ? 'default-why' : undefined}
            disabled={busy || !exists(a, dataset)}
            onClick={() => choose({ architecture: a })}
          >
            {ARCHITECTURE_LABELS[a]}
          </button>
        ))}
      </div>
      {preferred && (
        <p className="hint default-why" id="default-why" data-testid="default-why">
          {ARCHITECTURE_LABELS[preferred.entry.architecture]} is the default here: {preferred.why}.
        </p>
      )}
    </div>
  );
}
