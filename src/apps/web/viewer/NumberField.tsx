/**
 * A number field that lets a person type through states that are not numbers yet
 * ("-", "1e"): it keeps its own text while focused and follows `value` otherwise,
 * and hands on only finite numbers.
 */
import { useEffect, useState } from 'react';
import { formatNumber } from '../../../lib/viewing/windowLevel';

interface Props {
  label: string;
  value: number;
  min?: number;
  testId: string;
  onValue(value: number): void;
}

export function NumberField({ label, value, min, testId, onValue }: Props) {
  const [text, setText] = useState(formatNumber(value));
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(formatNumber(value));
  }, [value, editing]);
  return (
    <label>
      {label}
      <input
        type="number"
        data-testid={testId}
        min={min}
        value={text}
        onFocus={() => setEditing(true)}
        onBlur={() => setEditing(false)}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v)) onValue(v);
        }}
      />
    </label>
  );
}
