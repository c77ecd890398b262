import { classLabel } from '../../../lib/models/classNames';

/**
 * Class probabilities as horizontal bars, the predicted class marked; values
 * readable without colour. Shows each class's name for people; `data-class`
 * keeps the model's id.
 */
export function ProbabilityBars({
  classes,
  probabilities,
  predicted,
  testId,
}: {
  classes: string[];
  probabilities: number[];
  predicted: number;
  testId?: string;
}) {
  return (
    <ul className="prob-bars" data-testid={testId}>
      {classes.map((name, i) => {
        const p = probabilities[i] ?? 0;
        return (
          <li
            key={name}
            className={i === predicted ? 'prob-bar predicted' : 'prob-bar'}
            data-class={name}
            data-probability={p}
          >
            <span className="prob-name">{classLabel(name)}</span>
            <span
              className="prob-track"
              role="meter"
              aria-valuemin={0}
              aria-valuemax={1}
              aria-valuenow={p}
              aria-label={`${classLabel(name)} probability`}
            >
              <span className="prob-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </span>
            <span className="prob-value">{(p * 100).toFixed(1)} %</span>
          </li>
        );
      })}
    </ul>
  );
}
