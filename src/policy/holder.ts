/**
 * Holds the policy in force and swaps in a new one when the file changes (fs.watch, debounced)
 * or on SIGHUP. A reload compiles a complete new frozen policy first and swaps the reference
 * only if that succeeds, so a broken edit keeps the last good policy and logs why. Requests take
 * `current()` once when they start and keep that object: they finish under the policy they began with.
 */
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CompiledPolicy, CompileOptions } from './compile.js';
import { loadPolicyFile } from './load.js';

/** The subset of a pino logger the holder uses. */
export interface HolderLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Result of one reload attempt. */
export type ReloadResult =
  | { ok: true; changed: boolean; revision: string }
  | { ok: false; error: Error; revision: string };

export interface PolicyHolderOptions extends CompileOptions {
  logger?: HolderLogger;
  /** Debounce for bursts of file events (editors write in several steps), ms. */
  debounceMs?: number;
  /**
   * Work that must succeed before a reloaded policy goes into force (building its detector
   * engine). It runs before the swap, so the policy and what is built from it change together;
   * when it throws, the reload fails and the last good policy stays.
   */
  prepare?: (next: CompiledPolicy) => Promise<void>;
}

/**
 * Events: `reload` (policy: CompiledPolicy), `reloadFailed` (error: Error).
 */
export class PolicyHolder extends EventEmitter {
  #policy: CompiledPolicy;
  readonly #path: string | undefined;
  readonly #opts: PolicyHolderOptions;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sighup: (() => void) | undefined;
  #reloading: Promise<ReloadResult> | undefined;

  private constructor(policy: CompiledPolicy, path: string | undefined, opts: PolicyHolderOptions) {
    super();
    this.#policy = policy;
    this.#path = path;
    this.#opts = opts;
  }

  /** Load `path` (throws PolicyError when it is bad: nothing to fall back on at boot). */
  static async open(path: string, opts: PolicyHolderOptions = {}): Promise<PolicyHolder> {
    const policy = await loadPolicyFile(path, opts);
    return new PolicyHolder(policy, resolve(path), opts);
  }

  /** A holder around an already compiled policy (tests, embedding); `reload` is a no-op. */
  static of(policy: CompiledPolicy): PolicyHolder {
    return new PolicyHolder(policy, undefined, {});
  }

  /** The policy in force now. Take it once per request. */
  current(): CompiledPolicy {
    return this.#policy;
  }

  /** Re-read the file; swap on success, keep the last good policy on failure. */
  reload(): Promise<ReloadResult> {
    // Serialise reloads so two quick edits cannot swap out of order.
    const run = async (): Promise<ReloadResult> => {
      if (!this.#path) return { ok: true, changed: false, revision: this.#policy.revision };
      try {
        const next = await loadPolicyFile(this.#path, this.#opts);
        const changed = next.revision !== this.#policy.revision;
        if (changed) {
          await this.#opts.prepare?.(next);
          const previous = this.#policy.revision;
          this.#policy = next;
          this.#opts.logger?.info({ event: 'policy.reloaded', revision: next.revision, previous, source: next.source }, 'policy reloaded');
          this.emit('reload', next);
        }
        return { ok: true, changed, revision: this.#policy.revision };
      } catch (err) {
        this.#opts.logger?.error(
          { event: 'policy.reload_failed', revision: this.#policy.revision, reason: (err as Error).message },
          'policy reload failed; keeping the last good policy',
        );
        this.emit('reloadFailed', err);
        return { ok: false, error: err as Error, revision: this.#policy.revision };
      }
    };
    const p = (this.#reloading ?? Promise.resolve()).then(run, run);
    this.#reloading = p;
    return p;
  }

  /**
   * Watch the file and listen for SIGHUP. The directory is watched rather than the file because
   * editors replace files by rename, which ends a watch on the old inode.
   */
  watch(): this {
    if (!this.#path || this.#watcher) return this;
    const file = basename(this.#path);
    const schedule = () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.reload(), this.#opts.debounceMs ?? 150);
      this.#timer.unref();
    };
    this.#watcher = watch(dirname(this.#path), { persistent: false }, (_event, name) => {
      if (name === null || name === file) schedule();
    });
    this.#watcher.on('error', (err) => this.#opts.logger?.warn({ event: 'policy.watch_failed', reason: err.message }, 'policy file watch failed'));
    this.#sighup = () => void this.reload();
    process.on('SIGHUP', this.#sighup);
    return this;
  }

  /** Stop watching (idempotent). */
  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#sighup) process.off('SIGHUP', this.#sighup);
    this.#sighup = undefined;
  }
}
