// Not part of the frozen engine: the live contract types.
export * from '../../../../../detectors/engine/types.js';
