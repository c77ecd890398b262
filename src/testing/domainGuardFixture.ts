/** A domain guard for tests: identity precision around the origin, so an image's score is the squared norm of its features. */
import type { DomainGuard } from '../lib/diagnosis/domainGuard';

export function identityDomainGuard(width: number, classes: string[], threshold: number): DomainGuard {
  const precision = new Float32Array(width * width);
  for (let i = 0; i < width; i++) precision[i * width + i] = 1;
  const fit = {
    shrinkage: 1,
    nFit: 1,
    nValidation: 1,
    validationAccepted: 1,
    targetAcceptance: 0.98,
    fittedOn: 'test',
  };
  return { width, classes, means: classes.map(() => new Float32Array(width)), precision, threshold, fit };
}
