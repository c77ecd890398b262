/**
 * The ensemble's side of DiagnosisSession (session.ts): where its members live
 * (beside the ensemble folder), the checks that they are the members it was
 * fitted with, and how one side-by-side result per member becomes the
 * ensemble's: mean calibrated probabilities on each side, refused out of domain
 * when either member's guard refuses (named), certain or not against the
 * ensemble's own threshold, and the plain / encrypted agreement of the mean.
 * The session encrypts the image once for both members (same key, same geometry).
 *
 * Must never: log or return keys, plans or pixels; answer for a member it did not run.
 */
import type { ModelSource } from '../models/model';
import { confidenceVerdict } from './abstention';
import type { DomainVerdict } from './domainGuard';
import { combinePredictions, ENSEMBLE_FILE, MEMBER_LABELS, parseEnsemble, type EnsembleSpec } from './ensemble';
import type { SideBySideDiagnosis, TimedPrediction } from './session';

/** An ensemble to load: its parsed file and where each member's files are. */
export interface EnsembleSource {
  spec: EnsembleSpec;
  member(name: string): ModelSource;
}

/** One member's part of an ensemble diagnosis (its own class on each side, for the result view's small print). */
export interface MemberDiagnosis {
  model: string;
  architecture: 'vit' | 'cnn';
  plain: TimedPrediction;
  encrypted?: TimedPrediction;
  agree?: boolean;
  maxAbsLogitDiff?: number;
}

/** A member named for people ("ViT", "Masked-CNN") as well as by its folder. */
export interface LabelledMember {
  model: string;
  architecture: 'vit' | 'cnn';
  label: string;
}

type Fetcher = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/**
 * Fetches and parses `<url>ensemble.json`; the members are the sibling folders
 * `<url>../<member>/`, fetched with `memberFetch` (default: the same fetcher).
 */
export async function ensembleSourceFromUrl(
  url: string,
  fetcher: Fetcher = (u) => fetch(u),
  memberFetch: Fetcher = fetcher,
): Promise<EnsembleSource> {
  const base = url.endsWith('/') ? url : url + '/';
  const res = await fetcher(base + ENSEMBLE_FILE);
  if (!res.ok) throw new Error(`no ${ENSEMBLE_FILE} at ${base} (HTTP ${res.status})`);
  const spec = parseEnsemble(new TextDecoder().decode(await res.arrayBuffer()));
  return { spec, member: (name) => ({ url: new URL(`../${name}/`, base).href, fetch: memberFetch }) };
}

/** Reads `ensemble.json` through a loader (CLI: files of a folder); members through `memberLoader`. */
export async function ensembleSourceFromLoader(
  loader: (file: string) => Promise<Uint8Array>,
  memberLoader: (member: string) => ModelSource,
): Promise<EnsembleSource> {
  return { spec: parseEnsemble(new TextDecoder().decode(await loader(ENSEMBLE_FILE))), member: memberLoader };
}

/** A loaded member must be the model the ensemble was fitted with: same classes, same temperature. */
export function checkMember(
  spec: EnsembleSpec,
  member: string,
  loaded: { classes: string[]; architecture: string; temperature: number },
): void {
  const m = spec.members.find((x) => x.name === member)!;
  const refuse = (why: string) => new Error(`ensemble-${spec.dataset}: member ${member} ${why}; refit the ensemble`);
  if (loaded.architecture !== m.architecture)
    throw refuse(`is a ${loaded.architecture}, the file says ${m.architecture}`);
  if (loaded.classes.join() !== spec.classes.join())
    throw refuse(`has classes ${loaded.classes.join(', ')}, the ensemble ${spec.classes.join(', ')}`);
  if (Math.abs(loaded.temperature - m.temperature) > 1e-6)
    throw refuse(`has temperature ${loaded.temperature}, it was fitted with ${m.temperature}`);
}

/**
 * The ensemble's domain verdict on one side: the first refusing member's verdict
 * whenever one refuses (a member without a guard cannot overrule it); in domain
 * (the first member's verdict) only when every member has a guard and all accept.
 * Undefined only when nobody refused and some member ships no guard (none is claimed).
 */
export function combinedDomain(sides: TimedPrediction[]): DomainVerdict | undefined {
  const refusing = sides.find((s) => s.domain?.inDomain === false);
  if (refusing) return refusing.domain;
  if (sides.some((s) => !s.domain)) return undefined;
  return sides[0].domain;
}

/** The mean of the members on one side, judged with the ensemble's threshold. */
function combinedSide(spec: EnsembleSpec, sides: TimedPrediction[]): TimedPrediction {
  const prediction = combinePredictions(
    spec.classes,
    sides.map((s) => s.prediction),
  );
  const domain = combinedDomain(sides);
  return {
    prediction,
    ms: sides.reduce((s, x) => s + x.ms, 0),
    ...(domain ? { domain } : {}),
    certainty: confidenceVerdict(prediction.probabilities, spec.minConfidence),
  };
}

/** largest |a[i] - b[i]|: plain vs encrypted logits (session.ts) or combined probabilities (here) */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The members that refuse the image on either side, with their labels (the page and the CLI show these). */
export function refusedBy(members: MemberDiagnosis[]): LabelledMember[] {
  return members
    .filter((m) => m.plain.domain?.inDomain === false || m.encrypted?.domain?.inDomain === false)
    .map((m) => ({ model: m.model, architecture: m.architecture, label: MEMBER_LABELS[m.architecture] }));
}

/** Plain side only (no key): the mean of the members' plain predictions. */
export function combinePlainOnly(
  spec: EnsembleSpec,
  sides: TimedPrediction[],
): { plain: TimedPrediction; members: MemberDiagnosis[]; domainRefusedBy: LabelledMember[] } {
  const members = spec.members.map((m, i) => ({ model: m.name, architecture: m.architecture, plain: sides[i] }));
  return { plain: combinedSide(spec, sides), members, domainRefusedBy: refusedBy(members) };
}

/** One side-by-side result per member (in the file's order, one encryption) -> the ensemble's. */
export function combineSideBySide(name: string, spec: EnsembleSpec, sides: SideBySideDiagnosis[]): SideBySideDiagnosis {
  const plain = combinedSide(
    spec,
    sides.map((s) => s.plain),
  );
  const enc = combinedSide(
    spec,
    sides.map((s) => s.encrypted),
  );
  const first = sides[0].encrypted;
  const members: MemberDiagnosis[] = sides.map((s, i) => ({
    model: s.model,
    architecture: spec.members[i].architecture,
    plain: s.plain,
    encrypted: s.encrypted,
    agree: s.agree,
    maxAbsLogitDiff: s.maxAbsLogitDiff,
  }));
  return {
    model: name,
    classes: spec.classes,
    plain,
    encrypted: {
      ...enc,
      encryptMs: first.encryptMs, // once for both members
      adaptMs: sides.reduce((s, x) => s + x.encrypted.adaptMs, 0),
      adaptedNow: sides.some((s) => s.encrypted.adaptedNow),
      inputPath: first.inputPath,
    },
    agree: plain.prediction.classIndex === enc.prediction.classIndex,
    // the members' own logits: float rounding only when adaptation is right (the mean's log is not a network's logit)
    maxAbsLogitDiff: Math.max(...sides.map((s) => s.maxAbsLogitDiff)),
    maxAbsProbabilityDiff: maxAbsDiff(plain.prediction.probabilities, enc.prediction.probabilities),
    backend: sides[0].backend,
    members,
    domainRefusedBy: refusedBy(members),
  };
}
