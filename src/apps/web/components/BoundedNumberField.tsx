/**
 * A labelled number input that hands on only values within [min, max]: what is
 * typed is clamped, and an empty or unreadable field counts as `min`. Used by
 * the attack parameters and the federated run's rounds and deadline.
 */
interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  testId: string;
  className?: string;
  onChange(value: number): void;
}

export function BoundedNumberField({ label, value, min, max, step, testId, className, onChange }: Props) {
  return (
    <label className={className}>
      {label}{' '}
      <input
        type="number"
        value={value}
        min={min}
        max={max}
        step={step}
        data-testid={testId}
        onChange={(e) => {
          const typed = Number(e.currentTarget.value);
          onChange(Math.min(max, Math.max(min, Number.isFinite(typed) ? typed : min)));
        }}
      />
    </label>
  );
}
