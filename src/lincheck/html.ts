// A page that draws a checked history, as Porcupine's visualiser does: per key, one lane per
// client, each operation a bar from its invocation to its completion (an info one open-ended),
// the operations that cannot be linearized in red and the longest linearization found marked
// with its order. Self-contained: inline CSS and SVG, nothing fetched.

import { pairOperations, showValue } from './history.ts';
import type { HistoryEvent, PairedOp } from './history.ts';
import type { KeyResult, LinResult, Operation } from './check.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const LANE = 28;
const TOP = 30;
const LEFT = 90;
/** Keys drawn open; the rest are folded, and past MAX_KEYS not drawn at all. */
const OPEN_KEYS = 12;
const MAX_KEYS = 200;

const keyName = (k: string) => (k === '' ? '(no key)' : k);

/** What an operation did, short: "write 3", "read → 3", "cas [1 2] ✓". */
function label(p: PairedOp): string {
  const read = p.f === 'read' || p.f === 'get';
  const outcome = p.status === 'fail' ? ' ✗' : p.status === 'info' ? ' ?' : '';
  if (read) return `${p.f}${p.status === 'ok' ? ` → ${showValue(p.completeValue)}` : ''}${outcome}`;
  if (p.f === 'delete') return `delete${outcome}`;
  return `${p.f} ${showValue(p.invokeValue)}${p.f === 'cas' && p.status === 'ok' ? ' ✓' : outcome}`;
}

function lineRef(p: PairedOp): string {
  return p.completeLine !== undefined ? `lines ${p.invokeLine ?? '?'}–${p.completeLine}` : p.invokeLine !== undefined ? `line ${p.invokeLine}, never completed` : '';
}

function drawKey(key: string, ops: readonly PairedOp[], failing: KeyResult | undefined): string {
  const minimal = new Set((failing?.minimal ?? []).map((o) => o.id));
  const order = new Map<number, number>((failing?.longestPrefix ?? []).map((o, i) => [o.id, i + 1]));
  // Time compressed to the order of this key's events: each call or return gets a slot.
  const times = [...new Set(ops.flatMap((p) => (Number.isFinite(p.ret) ? [p.call, p.ret] : [p.call])))].sort((a, b) => a - b);
  const slot = new Map(times.map((t, i) => [t, i]));
  const w = Math.max(8, Math.min(30, Math.floor(6000 / Math.max(1, times.length))));
  const width = LEFT + (times.length + 2) * w + 20;
  const processes = [...new Set(ops.map((p) => p.process))].sort((a, b) => (typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1));
  const lane = new Map(processes.map((p, i) => [p, i]));
  const height = TOP + processes.length * LANE + 24;
  const x = (t: number) => LEFT + (slot.get(t) as number) * w + w / 2;
  const parts: string[] = [];
  processes.forEach((p, i) => {
    const y = TOP + i * LANE;
    parts.push(`<text class="proc" x="${LEFT - 8}" y="${y + LANE / 2 + 4}">${esc(String(p))}</text><line class="lane" x1="${LEFT}" x2="${width - 10}" y1="${y + LANE - 2}" y2="${y + LANE - 2}"/>`);
  });
  for (const p of ops) {
    const y = TOP + (lane.get(p.process) as number) * LANE + 3;
    const x1 = x(p.call) - w / 2 + 2;
    const open = !Number.isFinite(p.ret);
    const x2 = open ? width - 14 : x(p.ret) + w / 2 - 2;
    const cls = minimal.has(p.id) ? 'bad' : order.has(p.id) ? 'lin' : p.status === 'fail' ? 'fail' : p.status === 'info' ? 'info' : 'ok';
    const rank = order.get(p.id);
    const tip = `process ${String(p.process)}: ${label(p)}${p.status === 'info' ? ' (indeterminate)' : p.status === 'fail' ? ' (failed: did not happen)' : ''}${minimal.has(p.id) ? ' — cannot be linearized with the other red ones' : ''}${rank !== undefined ? ` — #${rank} in the longest linearization` : ''}; ${lineRef(p)}`;
    const text = label(p);
    const room = Math.floor((x2 - x1 - 6) / 6.5);
    parts.push(
      `<g class="op ${cls}${open ? ' open' : ''}"><title>${esc(tip)}</title><rect x="${x1}" y="${y}" width="${Math.max(4, x2 - x1)}" height="${LANE - 8}" rx="3"/>` +
        (room >= 3 ? `<text x="${x1 + 4}" y="${y + LANE / 2}">${esc(text.length > room ? `${text.slice(0, room - 1)}…` : text)}</text>` : '') +
        (rank !== undefined ? `<text class="rank" x="${x1 + 2}" y="${y - 1}">${rank}</text>` : '') +
        `</g>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<text class="axis" x="${LEFT}" y="14">time → (the order of this key's events)</text>
${parts.join('\n')}
</svg>`;
}

function opRow(o: Operation): string {
  const read = o.f === 'read' || o.f === 'get';
  const input = read || o.f === 'delete' ? '-' : showValue(o.input);
  const output = o.status === 'info' ? '? (info)' : read ? showValue(o.output) : o.f === 'cas' ? 'swapped' : 'ok';
  return `<tr><td>${esc(String(o.process))}</td><td>${esc(o.f)}</td><td>${esc(input)}</td><td>${esc(output)}</td><td>${o.invokeLine ?? ''}</td><td>${o.completeLine ?? (o.status === 'info' ? 'never' : '')}</td></tr>`;
}

export function renderHtml(events: readonly HistoryEvent[], result: LinResult, title: string): string {
  const paired = pairOperations(events);
  const byKey = new Map<string, PairedOp[]>();
  for (const p of paired) {
    const list = byKey.get(p.key);
    if (list === undefined) byKey.set(p.key, [p]);
    else list.push(p);
  }
  const failingKeys = new Map(result.keys.filter((k) => !k.ok && k.minimal !== undefined).map((k) => [k.key, k]));
  // Failing keys first, then the rest in their order of first invocation.
  const keys = [...byKey.keys()].sort((a, b) => Number(failingKeys.has(b)) - Number(failingKeys.has(a)));
  const verdict = result.ok ? 'linearizable' : result.failing !== undefined ? 'not linearizable' : 'no verdict (timed out)';
  const f = result.failing;
  const summary = f
    ? `<h2>${f.key === '' ? 'The history (one object, no keys)' : `Key ${esc(f.key)}`} is not linearizable</h2>
<p>${f.minimal!.length === 1 ? 'This operation (red) cannot be linearized: it cannot take effect between its invocation and its completion' : `These ${f.minimal!.length} operations (red) cannot be linearized: no order of them, each taking effect between its invocation and its completion, is one the model allows`}, even with every other operation of the key taking effect at any time after its invocation, or never.${f.minimalComplete === false ? ' (Shrinking ran out of time: a smaller set may exist.)' : f.minimal!.length > 1 ? ' Without any one of them, the rest can be.' : ''}</p>
<table><tr><th>process</th><th>f</th><th>input</th><th>output</th><th>invoke line</th><th>complete line</th></tr>${f.minimal!.map(opRow).join('')}</table>
<p>The longest linearization the search found (green, numbered in order) has ${f.longestPrefix!.length} of the key's ${f.operations} operations.</p>`
    : '';
  const sections = keys.slice(0, MAX_KEYS).map((k, i) => {
    const kr = failingKeys.get(k);
    const body = drawKey(k, byKey.get(k) as PairedOp[], kr);
    const head = `key ${esc(keyName(k))}: ${(byKey.get(k) as PairedOp[]).length} operations${kr ? ' — not linearizable' : ''}`;
    return `<details${i < OPEN_KEYS || kr ? ' open' : ''}><summary>${head}</summary><div class="scroll">${body}</div></details>`;
  });
  const more = keys.length > MAX_KEYS ? `<p>${keys.length - MAX_KEYS} more keys are not drawn.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; color: #b3261e; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; font-family: ui-monospace, monospace; }
.scroll { overflow-x: auto; border: 1px solid #eee; margin: .3em 0 1em; }
summary { cursor: pointer; font-weight: 600; }
svg text { font: 11px ui-monospace, monospace; }
.proc { text-anchor: end; fill: #555; } .axis { fill: #888; } .lane { stroke: #eee; }
.op rect { stroke: #567; fill: #cfe0f0; } .op text { fill: #123; pointer-events: none; }
.op.lin rect { fill: #bfe8c6; stroke: #2e7d32; } .op .rank { fill: #2e7d32; font-weight: 700; }
.op.bad rect { fill: #f4b4ae; stroke: #b3261e; stroke-width: 2; }
.op.info rect { fill: #fff3cd; stroke: #a67c00; } .op.open rect { stroke-dasharray: 4 3; }
.op.fail rect { fill: #eee; stroke: #aaa; stroke-dasharray: 2 2; } .op.fail text { fill: #888; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 6px; border: 1px solid; border-radius: 3px; }
</style></head><body>
<h1>${esc(title)}</h1>
<table><tr><th>operations</th><th>keys</th><th>verdict</th><th>states explored</th></tr><tr><td>${result.operations}</td><td>${result.keys.length}</td><td>${verdict}</td><td>${result.stats.statesExplored}</td></tr></table>
${summary}
<p class="legend"><span style="background:#cfe0f0;border-color:#567">ok</span><span style="background:#bfe8c6;border-color:#2e7d32">in the longest linearization (its order above)</span><span style="background:#f4b4ae;border-color:#b3261e">cannot be linearized</span><span style="background:#fff3cd;border-color:#a67c00;border-style:dashed">info: may have happened, open-ended</span><span style="background:#eee;border-color:#aaa;border-style:dashed">failed: did not happen</span></p>
${sections.join('\n')}
${more}
</body></html>
`;
}
