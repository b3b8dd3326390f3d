// Not part of the frozen engine: the live module (owned elsewhere, may change).
export * from '../../../../../detectors/engine/validators.js';
