/** The row shape the generators write (the harness's JSONL row format). */
export interface GeneratedRow {
  id: string;
  text: string;
  label: 'attack' | 'benign';
  category: string;
  subcategory?: string;
  lang?: string;
  tool_name?: string;
  /** Unicode code-point offsets, like the shared collection. */
  entities?: Array<{ type: string; start: number; end: number }>;
}
