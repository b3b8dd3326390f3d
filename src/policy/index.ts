/**
 * The policy module: load YAML, validate against `policies/schema.json`, compile into a frozen
 * runtime policy, hold it with hot reload.
 */
export { parsePolicy, loadPolicyFile, PolicyError } from './load.js';
export { compilePolicy, deepFreeze } from './compile.js';
export type { CompiledPolicy, CompiledAgent, CompiledUpstream, KeyEntry, CompileOptions } from './compile.js';
export { PolicyHolder } from './holder.js';
export type { PolicyHolderOptions, ReloadResult, HolderLogger } from './holder.js';
export { validatePolicyDocument, SCHEMA_PATH } from './validate.js';
export type { SchemaProblem } from './validate.js';
export { compileGlobs, globToRe2Source } from './glob.js';
export type { GlobMatcher } from './glob.js';
export type * from './types.js';
