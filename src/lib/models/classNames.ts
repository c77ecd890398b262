/**
 * Class names for people: the one table that turns a model's class id
 * (`notumor`, `lung_aca`, as in model.json and --json output) into what a
 * clinician reads ("No tumour", "Adenocarcinoma"). Ids stay the machine's
 * names everywhere else; an id not in the table is shown as it is. Never use a
 * label as an id (for matching folders, classes or JSON fields).
 */
export const CLASS_LABELS: Readonly<Record<string, string>> = {
  // brain MRI
  glioma: 'Glioma',
  meningioma: 'Meningioma',
  notumor: 'No tumour',
  pituitary: 'Pituitary tumour',
  // lung histopathology (LC25000)
  lung_aca: 'Adenocarcinoma',
  lung_n: 'Benign tissue',
  lung_scc: 'Squamous cell carcinoma',
};

/** The person-facing name of a class id (the id itself where the table has none). */
export function classLabel(id: string): string {
  return Object.prototype.hasOwnProperty.call(CLASS_LABELS, id) ? CLASS_LABELS[id] : id;
}
