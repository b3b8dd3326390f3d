/**
 * The frozen engine's normalisation: the same frozen copy of detectors/engine/normalize.ts at
 * commit fe26e2d that normalize-diff.test.ts compares against (one copy, not two).
 */
export * from '../normalize-old.js';
