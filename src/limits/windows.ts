/**
 * UTC calendar windows for budgets: a budget for `day` resets at 00:00 UTC, `month` on the 1st.
 * A window's id is its start written as digits (`20261127` for a day), so keys of different
 * windows never collide and old windows simply expire.
 */
import type { Window } from '../policy/types.js';

/** Length in ms of the fixed-length windows (month varies and is computed). */
export const WINDOW_MS: Readonly<Record<Exclude<Window, 'month'>, number>> = {
  second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000,
};

/** A calendar window: its id, start and end (epoch ms, end exclusive). */
export interface CalendarWindow { readonly id: string; readonly start: number; readonly end: number }

/** The last window computed per kind: every admission asks for the same few (bench:limits profile). */
const last = new Map<Window, CalendarWindow>();

/** The calendar window that contains `now`: its id, start and end (epoch ms, end exclusive). */
export function calendarWindow(window: Window, now: number): CalendarWindow {
  const hit = last.get(window);
  if (hit && now >= hit.start && now < hit.end) return hit;
  const w = computeWindow(window, now);
  last.set(window, w);
  return w;
}

function computeWindow(window: Window, now: number): CalendarWindow {
  const d = new Date(now);
  if (window === 'month') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    return Object.freeze({ id: d.toISOString().slice(0, 7).replace('-', ''), start, end });
  }
  const len = WINDOW_MS[window];
  const start = now - (now % len);
  const iso = new Date(start).toISOString(); // 2026-11-27T21:30:05.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const keep = { second: 14, minute: 12, hour: 10, day: 8 }[window];
  return Object.freeze({ id: digits.slice(0, keep), start, end: start + len });
}
