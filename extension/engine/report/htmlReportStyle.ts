/**
 * htmlReportStyle: the one stylesheet of the HTML report, inlined in a single `<style>` element whose
 * SHA-256 the page's Content-Security-Policy allows (so the page needs no `unsafe-inline` and runs nothing).
 * Light and dark schemes through `prefers-color-scheme` and CSS variables; graphs and histograms are
 * coloured by class. A constant: no text from an input ever reaches it.
 */
export const HTML_REPORT_STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --err: #cf222e; --warn: #9a6700; --info: #0969da; --node-bg: #ffffff; --edge: #59636e; --bar: #218bff; --pct: #8250df;
  --syscall: #0969da; --io_uring: #1a7f37; --fs: #8250df; --block: #bc4c00; --ordered-extent: #bf3989; --cycle: #fb8500; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --err: #ff7b72; --warn: #d29922; --info: #4493f8; --node-bg: #151b23; --edge: #9198a1; --bar: #4493f8; --pct: #be8fff;
    --syscall: #4493f8; --io_uring: #3fb950; --fs: #be8fff; --block: #f0883e; --ordered-extent: #f778ba; --cycle: #ffa657; }
}
body { margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
h4 { font-size: 14px; margin: 14px 0 4px; }
a { color: var(--info); }
code, .mono, td.num, td.ln { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted, .note { color: var(--muted); }
.note { font-size: 13px; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; }
nav ul { margin: 4px 0; padding-left: 20px; }
.sev { font-weight: 600; }
.sev-error { color: var(--err); }
.sev-warning { color: var(--warn); }
.sev-info { color: var(--info); }
ol.findings { padding-left: 0; list-style: none; }
li.finding { margin: 10px 0; padding: 8px 12px; border-left: 3px solid var(--line); background: var(--panel); }
li.finding.f-error { border-left-color: var(--err); }
li.finding.f-warning { border-left-color: var(--warn); }
li.finding.f-info { border-left-color: var(--info); }
li.finding > p { margin: 2px 0; color: var(--fg); }
p.msg { white-space: pre-wrap; overflow-wrap: anywhere; }
table.evidence td { padding-top: 0; padding-bottom: 0; }
td.ln { color: var(--muted); text-align: right; white-space: nowrap; }
figure { margin: 8px 0; }
figcaption { font-size: 13px; color: var(--muted); }
.scroll { overflow-x: auto; max-width: 100%; }
svg.graph { max-width: 100%; height: auto; }
input.zoom:checked ~ .scroll svg.graph { max-width: none; }
label.zoom { font-size: 12px; color: var(--muted); }
svg text { fill: var(--fg); font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; }
svg .node rect { fill: var(--node-bg); stroke: var(--edge); stroke-width: 1.2; }
svg .node rect.back { fill: var(--panel); }
svg .node .sub { fill: var(--muted); font-size: 11px; }
svg .k-syscall rect { stroke: var(--syscall); }
svg .k-io_uring rect { stroke: var(--io_uring); }
svg .k-fs rect { stroke: var(--fs); }
svg .k-block rect { stroke: var(--block); }
svg .k-ordered-extent rect { stroke: var(--ordered-extent); }
svg .k-resource rect, svg .k-bio rect { stroke-dasharray: 5 3; }
svg .node.short rect { stroke: var(--warn); stroke-width: 2.4; }
svg .node.failed rect, svg .node.stuck rect { stroke: var(--err); stroke-width: 2.4; }
svg .node.cycle rect { stroke: var(--cycle); stroke-width: 3; }
svg .edge path { fill: none; stroke: var(--edge); stroke-width: 1.2; }
svg .edge.cycle path { stroke: var(--cycle); stroke-width: 2; }
svg .arrowhead { fill: var(--edge); }
svg .elabel { fill: var(--muted); font-size: 10px; }
svg.histogram .bar { fill: var(--bar); }
svg.histogram .count, svg.histogram .tick { font-size: 9.5px; fill: var(--muted); }
svg.histogram .axis { stroke: var(--line); }
svg.histogram .pct line { stroke: var(--pct); stroke-dasharray: 3 2; }
svg.histogram .pct text { fill: var(--pct); font-size: 9.5px; }
.hists { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
.hgroup h4 { margin-top: 10px; }
figure.hist { margin: 4px 0 10px; max-width: 560px; }
details > summary { cursor: pointer; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
`;
