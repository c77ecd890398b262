/**
 * Reserved place for the diagnosis panel (issue 3: key-adapted ViT / Masked-CNN
 * predicting on the encrypted image). Deliberately empty until those models land.
 */
export function DiagnosisSlot() {
  return (
    <section className="panel diagnosis-slot" aria-labelledby="diagnosis-title" data-testid="diagnosis-slot">
      <h2 id="diagnosis-title">6. Diagnosis on the encrypted image</h2>
      <p className="hint">Not available yet: the key-adapted models are coming in a later release.</p>
    </section>
  );
}
