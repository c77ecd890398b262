/**
 * Which run cv-report.ts pools: the first, per-image one by default (same paths as ever),
 * another split, tag or single architecture on request, and only the release run into the
 * shipped cards.
 */
import { describe, expect, it } from 'vitest';
import {
  cvKinds,
  cvRunFromArgs,
  foldDataDir,
  foldModelDir,
  foldStudyPath,
  isReleaseRun,
  isPerImageRun,
  kindOfMembers,
  networkShape,
  recipeMethod,
  RELEASE_RUN,
  defaultReportOut,
  runFlags,
  tagFlags,
  splitSentence,
  selectionSentence,
  foldValidation,
  writeCardsRefusal,
} from './cvRun';

const DS = 'lung-histopathology';
const argv = (...flags: string[]) => ['node', 'scripts/cv-report.ts', ...flags];
const perImage = cvRunFromArgs(DS, argv('--folds', '5'));
const grouped = cvRunFromArgs(DS, argv('--split', `${DS}-grouped`, '--tag', '-grouped', '--archs', 'vit'));
const release = cvRunFromArgs(DS, argv('--release'));
const NO_TAGS = { vit: '', cnn: '' };

describe('cvRunFromArgs', () => {
  it('defaults to the per-image run: its split, no tag, both architectures', () => {
    expect(perImage).toEqual({ dataset: DS, split: DS, tags: NO_TAGS, archs: ['vit', 'cnn'] });
    expect(isPerImageRun(perImage)).toBe(true);
  });

  it('reads another run, architectures in report order whatever the typed order', () => {
    expect(grouped).toEqual({
      dataset: DS,
      split: `${DS}-grouped`,
      tags: { vit: '-grouped', cnn: '-grouped' },
      archs: ['vit'],
    });
    expect(cvRunFromArgs(DS, argv('--archs', 'cnn,vit')).archs).toEqual(['vit', 'cnn']);
    expect(isPerImageRun(cvRunFromArgs(DS, argv('--archs', 'cnn')))).toBe(false);
    expect(isPerImageRun(cvRunFromArgs(DS, argv('--tag', '-e30')))).toBe(false);
  });

  it('reads a tag per architecture, and --release as the run the shipped cards quote', () => {
    const mixed = cvRunFromArgs(
      DS,
      argv('--split', `${DS}-grouped`, '--tag-vit', '-grouped-e30', '--tag-cnn', '-grouped'),
    );
    expect(mixed.tags).toEqual({ vit: '-grouped-e30', cnn: '-grouped' });
    expect(foldModelDir(mixed, 'vit', 1)).toBe(`.cache/cv/models/cv-vit-grouped-e30-${DS}-fold1`);
    expect(foldModelDir(mixed, 'cnn', 1)).toBe(`.cache/cv/models/cv-cnn-grouped-${DS}-fold1`);
    expect(tagFlags(mixed)).toBe('--tag-vit -grouped-e30 --tag-cnn -grouped');
    expect(tagFlags(cvRunFromArgs(DS, argv('--split', `${DS}-grouped`, '--tag', '-grouped')))).toBe('--tag -grouped');
    expect(release).toEqual({ dataset: DS, split: RELEASE_RUN.split, tags: RELEASE_RUN.tags, archs: ['vit', 'cnn'] });
    expect(isReleaseRun(release)).toBe(true);
    expect(isReleaseRun(mixed)).toBe(isReleaseRun(release));
    expect(isPerImageRun(release)).toBe(false);
    expect(isReleaseRun(perImage)).toBe(false);
    expect(isReleaseRun(cvRunFromArgs(DS, argv('--release', '--archs', 'vit')))).toBe(false);
    // both architectures' studies of one fold share a folder, named by each architecture's own tag
    expect(foldStudyPath(mixed, 2)).toBe(`.cache/cv/reports/${DS}-grouped-vit-grouped-e30-cnn-grouped/fold-2`);
    const vitOnlyTag = cvRunFromArgs(DS, argv('--split', 'x', '--tag-vit', '-e30', '--tag-cnn', '-c'));
    const bothTag = cvRunFromArgs(DS, argv('--split', 'x', '--tag', '-e30-c'));
    expect(foldStudyPath(vitOnlyTag, 1)).not.toBe(foldStudyPath(bothTag, 1));
  });

  it('names a run in flags that pool it again, an empty tag included', () => {
    const oneEmpty = cvRunFromArgs(DS, argv('--tag-vit', '-e30'));
    expect(tagFlags(oneEmpty)).toBe("--tag-vit -e30 --tag-cnn ''");
    expect(runFlags(release)).toBe(
      `--split ${RELEASE_RUN.split} --tag-vit ${RELEASE_RUN.tags.vit} --tag-cnn ${RELEASE_RUN.tags.cnn} --archs vit,cnn`,
    );
    expect(runFlags(perImage)).toBe(`--split ${DS} --archs vit,cnn`);
  });

  it('gives the per-image and the release run a report of their own, and refuses any other without --out', () => {
    expect(defaultReportOut(perImage, 'cv-')).toBe(`docs/reports/cv-${DS}`);
    expect(defaultReportOut(release, 'cv-guard-')).toBe(`docs/reports/cv-guard-grouped-e30-${DS}`);
    expect(() => defaultReportOut(grouped, 'cv-')).toThrow(/give --out/);
  });

  it('refuses another split without the tag its fold models carry (it would score the per-image models)', () => {
    expect(() => cvRunFromArgs(DS, argv('--split', `${DS}-grouped`, '--tag', ''))).toThrow(/needs the --tag/);
    expect(() => cvRunFromArgs(DS, argv('--split', `${DS}-grouped`, '--tag-vit', '-g'))).toThrow(/needs the --tag/);
  });

  it('refuses unknown, repeated or no architectures', () => {
    expect(() => cvRunFromArgs(DS, argv('--archs', 'vit,resnet'))).toThrow(/unknown architecture "resnet"/);
    expect(() => cvRunFromArgs(DS, argv('--archs', 'vit,vit'))).toThrow(/each once/);
    expect(() => cvRunFromArgs(DS, argv('--archs', ','))).toThrow(/each once/);
  });
});

describe('paths', () => {
  it('keeps the per-image run where it always was', () => {
    expect(foldDataDir(perImage, 3)).toBe(`.cache/cv/${DS}/fold-3`);
    expect(foldModelDir(perImage, 'cnn', 3)).toBe(`.cache/cv/models/cv-cnn-${DS}-fold3`);
    expect(foldStudyPath(perImage, 3)).toBe('.cache/cv/reports/fold-3');
  });

  it('builds what cv-train.sh named with CV_SPLIT and CV_TAG, and keeps its studies apart', () => {
    expect(foldDataDir(grouped, 2)).toBe(`.cache/cv/${DS}-grouped/fold-2`);
    expect(foldModelDir(grouped, 'vit', 2)).toBe(`.cache/cv/models/cv-vit-grouped-${DS}-fold2`);
    expect(foldStudyPath(grouped, 2)).toBe(`.cache/cv/reports/${DS}-grouped-vit-grouped/fold-2`);
  });
});

describe('candidates', () => {
  it('has an ensemble row only with two architectures', () => {
    expect(cvKinds(perImage)).toEqual(['vit', 'cnn', 'ensemble']);
    expect(cvKinds(grouped)).toEqual(['vit']);
  });

  it('tells a study row by its members, tag included', () => {
    expect(kindOfMembers(perImage, 1, [`cv-cnn-${DS}-fold1`])).toBe('cnn');
    expect(kindOfMembers(perImage, 1, [`cv-vit-${DS}-fold1`, `cv-cnn-${DS}-fold1`])).toBe('ensemble');
    expect(kindOfMembers(grouped, 4, [`cv-vit-grouped-${DS}-fold4`])).toBe('vit');
    expect(() => kindOfMembers(grouped, 4, [`cv-vit-${DS}-fold4`])).toThrow(/is none of vit/);
  });
});

describe('writeCardsRefusal', () => {
  it('lets only the release run write the shipped cards: the per-image run no longer may', () => {
    expect(writeCardsRefusal(release)).toBeUndefined();
    for (const flags of [
      [],
      ['--split', `${DS}-grouped`, '--tag', '-grouped'],
      ['--tag', '-e30'],
      ['--release', '--archs', 'vit'],
      ['--release', '--tag-vit', '-grouped'],
    ])
      expect(writeCardsRefusal(cvRunFromArgs(DS, argv(...flags)))).toMatch(
        /only the release run may.*Nothing was written/,
      );
    expect(writeCardsRefusal(grouped)).toContain(`--split ${DS}-grouped --tag -grouped --archs vit`);
  });
});

describe('selectionSentence', () => {
  it("says a setting was chosen on the release run's own folds, and nothing for any other run", () => {
    expect(selectionSentence(release, 'vit')).toMatch(/chosen on these same folds.*selection optimism/);
    expect(selectionSentence(release, 'cnn')).toBe('');
    expect(selectionSentence(perImage, 'vit')).toBe('');
    expect(selectionSentence(grouped, 'vit')).toBe('');
    // the release ViT's folds alone carry it too
    const vitAlone = cvRunFromArgs(DS, argv('--release', '--archs', 'vit'));
    expect(selectionSentence(vitAlone, 'vit')).toBe(selectionSentence(release, 'vit'));
  });
});

describe('splitSentence', () => {
  it('says nothing for the per-image run, so its report stays as it was', () => {
    expect(splitSentence(perImage, false)).toBe('');
  });

  it('says the grouped folds keep each original together, and that the validation fits still see copies', () => {
    const s = splitSentence(grouped, true);
    expect(s).toMatch(/every near-duplicate group .* lies in one fold/);
    expect(s).toContain('docs/reports/near-duplicates-lung-histopathology.md');
    expect(s).toMatch(/still per image: .*over-confident/);
    expect(s).toContain('CV_TAG=-grouped');
    expect(splitSentence({ ...grouped, tags: NO_TAGS }, false)).toBe(
      `Split \`${DS}-grouped\` (.cache/cv/${DS}-grouped/).`,
    );
  });

  it('says when the fold models drew validation by whole groups too, and when only some did', () => {
    const perImage = splitSentence(grouped, true);
    expect(splitSentence(grouped, true, 'per image')).toBe(perImage);
    const s = splitSentence(grouped, true, 'grouped');
    expect(s).toMatch(/took whole groups too .*fitted on unseen originals/);
    expect(s).not.toMatch(/still per image|over-confident/);
    expect(s).toMatch(/every near-duplicate group .* lies in one fold/);
    expect(splitSentence(grouped, true, 'mixed')).toMatch(/for some fold models and per image for others/);
  });

  it('speaks of slides for lung and of scans for brain', () => {
    expect(splitSentence(grouped, true)).toMatch(/on unseen tissue of the same source.*easier than unseen tissue/);
    const brain = cvRunFromArgs(
      'brain-mri',
      argv('--split', 'brain-mri-grouped', '--tag', '-grouped', '--archs', 'cnn'),
    );
    const s = splitSentence(brain, true);
    expect(s).toMatch(/on unseen scans of the same source.*easier than unseen scans/);
    expect(s).not.toContain('tissue');
    expect(s).toContain('docs/reports/near-duplicates-brain-mri.md');
  });
});

describe('foldValidation', () => {
  it('is grouped only when every scored fold model says so', () => {
    expect(foldValidation([true, true])).toBe('grouped');
    expect(foldValidation([true, false])).toBe('mixed');
    expect(foldValidation([false, false])).toBe('per image');
    expect(foldValidation([])).toBe('per image');
  });
});

describe('recipeMethod', () => {
  it('drops the test-time view clause each model chooses, and keeps what the recipe chose', () => {
    const base = 'patch embedding set by PCA whitening; the rest trained on block features';
    const ema = `${base}; validated and released: the moving average of the weights (decay 0.995 per step)`;
    expect(recipeMethod(`${base}; test-time view ensemble "dihedral4" (chosen on validation)`)).toBe(base);
    expect(recipeMethod(base)).toBe(base);
    expect(recipeMethod(`${ema}; test-time view ensemble "dihedral4" (chosen on validation)`)).toBe(ema);
  });
});

describe('networkShape', () => {
  it('names the settings that make a network wider or deeper, and only those it has', () => {
    const shipped = {
      architecture: 'vit',
      width: 96,
      depth: 4,
      heads: 4,
      mlpDim: 192,
      tokenMlpDim: 192,
      classes: ['a'],
    };
    expect(networkShape(shipped)).toBe('width 96, depth 4, heads 4, mlpDim 192, tokenMlpDim 192');
    expect(networkShape({ ...shipped, width: 128, mlpDim: 256, tokenMlpDim: 256 })).not.toBe(networkShape(shipped));
    expect(networkShape({ ...shipped, viewEnsemble: 'dihedral8', classes: ['b'] })).toBe(networkShape(shipped));
  });
});
