/**
 * The dashboard's stylesheet, its one small progressive-enhancement script and its icon,
 * served from routes (no build step, no inline script or style, so the CSP can forbid both).
 * Colours are chosen for contrast (text ≥ 4.5:1 on its background).
 */

export const DASHBOARD_CSS = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1b2430;--muted:#566170;--line:#d9dee5;--accent:#1d4ed8;--accent-ink:#fff;
--meeting:#2f6fde;--after:#e08a00;--weekend:#c2362f;--focus:#1a9e6e;--radius:10px;font-size:16px}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
a{color:var(--accent)}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:1rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1.25rem;background:#111827;color:#f9fafb}
.top a{color:#e5e7eb;text-decoration:none}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:700;font-size:1.1rem}
.logo{color:#60a5fa;font-size:1.3rem}
.workspace{font-weight:400;color:#cbd5e1;font-size:.9rem;border-left:1px solid #374151;padding-left:.6rem}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem;margin:0;padding:0;list-style:none}
nav a{display:block;padding:.35rem .7rem;border-radius:6px}
nav a:hover{background:#1f2937}
nav a[aria-current=page]{background:#2563eb;color:#fff}
.tools{margin-left:auto;display:flex;align-items:center;gap:1rem}
.lang a{padding:.15rem .35rem;border-radius:4px;font-size:.85rem}
.lang a[aria-current=true]{background:#374151;color:#fff}
main{max-width:1240px;margin:0 auto;padding:1.25rem}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.25rem 0 .75rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.lead{color:var(--muted);max-width:70ch;margin-top:0}
.muted{color:var(--muted)}
.small-text{font-size:.82rem;display:block}
.address{overflow-wrap:anywhere}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem 1.1rem;margin-bottom:1rem}
.narrow{max-width:34rem;margin:3rem auto}
.empty{color:var(--muted);font-style:italic}
.notice{padding:.6rem .9rem;border-radius:8px;background:#e0ecff;border:1px solid #b6cdfb}
.notice.error{background:#fdecec;border-color:#f4b4b4;color:#8a1c1c}
.notice.ok{background:#e7f6ee;border-color:#a9dcc0;color:#14532d}
.error-text{color:#a11b1b}
.page-head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:flex-end;gap:.5rem 1rem}
.picker{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;font-size:.85rem}
.picker label{display:flex;flex-direction:column;color:var(--muted)}
input,select,textarea,button,.button{font:inherit}
input,select,textarea{border:1px solid #9aa4b2;border-radius:6px;padding:.35rem .5rem;background:#fff;color:var(--ink);max-width:100%}
button,.button{display:inline-block;border:1px solid var(--accent);background:var(--accent);color:var(--accent-ink);border-radius:6px;padding:.4rem .9rem;cursor:pointer;text-decoration:none;line-height:1.3}
button:hover,.button:hover{filter:brightness(1.1)}
button[disabled]{background:#c9ced6;border-color:#c9ced6;color:#3f4753;cursor:not-allowed}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.small,.button.small{padding:.2rem .55rem;font-size:.85rem}
button.link{background:none;border:none;color:#e5e7eb;text-decoration:underline;padding:0}
form.inline{display:inline}
.stack{display:flex;flex-direction:column;gap:.5rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:1rem}
.stat{border-left:4px solid var(--meeting);padding:.2rem .8rem}
.stat-label{color:var(--muted);font-size:.85rem}
.stat-value{font-size:1.6rem;font-weight:700}
.stat-trend{font-size:.85rem}
.stat-trend.good{color:#166534}.stat-trend.bad{color:#9a1c1c}.stat-trend.neutral{color:var(--muted)}
.spark polyline{fill:none;stroke:var(--meeting);stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.1rem;list-style:none;padding:0;margin:.25rem 0 .5rem;font-size:.85rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.chart{width:100%;height:auto;display:block}
.chart text{font-size:11px;fill:#3b4452}
.chart .group-label{font-size:13px;font-weight:600;fill:var(--ink)}
.chart .bar-label{font-size:10px}
.tick line{stroke:#e3e7ec}
.seg-meeting{fill:var(--meeting)}.seg-after{fill:var(--after)}.seg-weekend{fill:var(--weekend)}.seg-focus{fill:var(--focus);opacity:.55}
.chart-scroll,.table-scroll{overflow-x:auto;position:relative}
.bars{min-width:720px}
table.data{border-collapse:collapse;width:100%;font-size:.9rem}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:.45rem .5rem;text-align:left;vertical-align:top}
table.data thead th{background:#f1f4f8;position:sticky;top:0}
table.data thead th a{color:var(--ink);text-decoration:none;font-weight:600}
table.data thead th a:hover{text-decoration:underline}
.num{text-align:right!important;font-variant-numeric:tabular-nums}
.title-cell .title{font-weight:600}
.reasons{margin:0;padding-left:1rem;font-size:.85rem}
.points{font-weight:700;color:#8a4b00}.points.neg{color:#166534}
.badge{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;font-weight:600;background:#e5e7eb;color:#1f2937;white-space:nowrap}
.verdict-async{background:#fde2e1;color:#8a1c1c}.verdict-consider-async{background:#fff1cc;color:#6b4a00}.verdict-keep{background:#dff3e7;color:#14532d}
.score{font-weight:700;font-size:1.05rem}
.flags .actions{min-width:8.5rem}.flags .actions>*{display:block;margin:0 0 .3rem}.flags .actions button,.flags .actions .button{width:100%;text-align:center}
.flags .reasons{min-width:20rem}.flags .title-cell{min-width:10rem}
.pill{display:inline-block;margin-left:.5rem;font-size:.8rem;background:#fff1cc;color:#6b4a00;border-radius:999px;padding:0 .5rem}
.grid-heatmaps{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:1rem}
.heatmap{margin:0}
.heatmap figcaption{margin-bottom:.3rem}
.heat-0{fill:#eef1f5}.heat-1{fill:#cfe0fb}.heat-2{fill:#98bdf6}.heat-3{fill:#5a93ec}.heat-4{fill:#2764d0}.heat-5{fill:#173f8f}
.heatmap rect[class^=heat]{stroke:#fff;stroke-width:1}
rect.working{fill:none;stroke:#111827;stroke-width:1.6}
.grid-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:1rem}
.connections{list-style:none;padding:0;margin:0 0 .6rem}
.connections li{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .6rem;padding:.4rem 0;border-bottom:1px solid var(--line)}
.provider{font-weight:700}
.status-ok{background:#dff3e7;color:#14532d}.status-syncing,.status-pending{background:#e0ecff;color:#1e3a8a}.status-error,.status-needs_reauth{background:#fde2e1;color:#8a1c1c}
.connect-actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start}
.rotation-layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
.rotation-form .fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.6rem}
.rotation-form label{display:flex;flex-direction:column;font-size:.88rem;gap:.2rem}
.rotation-form label.check{flex-direction:row;align-items:center}
fieldset{border:1px solid var(--line);border-radius:8px;margin:.8rem 0}
.checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.2rem .8rem}
.check{display:flex;align-items:center;gap:.4rem}
.pain-cell{text-align:center!important;font-variant-numeric:tabular-nums;font-weight:600}
.pain-0{background:#dcf3e4;fill:#dcf3e4;color:#14532d}.pain-1{background:#fdf3c4;fill:#fdf3c4;color:#5b4300}.pain-2{background:#fcd9a8;fill:#fcd9a8;color:#6b3500}
.pain-3{background:#f6a6a0;fill:#f6a6a0;color:#5f0f0f}.pain-4{background:#9f1d1d;fill:#9f1d1d;color:#fff}
.ledger-history{fill:#9aa4b2}.ledger-series{fill:#e08a00}
.ledger{max-width:720px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
.meta dt{color:var(--muted)}.meta dd{margin:0}
.inline-meta{grid-template-columns:repeat(3,max-content max-content)}
.explanation{color:var(--muted);font-size:.9rem}
.row-actions{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap}
.email-body{white-space:pre-wrap;background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:1rem;font:14px/1.55 ui-monospace,Menlo,Consolas,monospace;max-height:60vh;overflow:auto}
.track{fill:#eef1f5}.focus-planned{fill:#7cc7a6}.focus-protected{fill:#1a9e6e}
.progress{width:200px;height:12px}.progress-row{display:flex;align-items:center;gap:.6rem}
.focus-week{max-width:620px}
.who{color:#e5e7eb;max-width:14rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.switch{color:#93c5fd!important;font-weight:400}
.tools{flex-wrap:wrap;gap:.4rem 1rem}
.sign-in-ways{margin:1rem 0}
.button.provider{text-align:center;padding:.6rem .9rem}
details.operator{margin-top:1.25rem;border-top:1px solid var(--line);padding-top:.75rem}
details.operator summary{cursor:pointer;color:var(--muted)}
.explained{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:.8rem;margin:0}
.explained div{border:1px solid var(--line);border-radius:8px;padding:.5rem .7rem}
.explained dt{color:var(--muted);font-size:.88rem}.explained dd{margin:0}
.explained .value{font-size:1.3rem;font-weight:650;font-variant-numeric:tabular-nums}
.week-nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
ul.plain{list-style:none;padding:0;margin:.3rem 0}
ul.plain>li{padding:.35rem 0;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
ul.plain>li:last-child{border-bottom:none}
ul.rows .actions{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.3rem}
.row-wrap{display:flex;flex-wrap:wrap;gap:.5rem}
input.copy{width:100%;font:13px ui-monospace,Menlo,Consolas,monospace;padding:.3rem}
td.wrap{overflow-wrap:anywhere;max-width:24rem}
textarea{width:100%;max-width:100%}
@media (max-width:760px){
 main{padding:.75rem}
 .top{padding:.5rem .75rem}
 .tools{margin-left:0}
 .rotation-layout{grid-template-columns:1fr}
 .grid-heatmaps,.grid-cards{grid-template-columns:1fr}
 .inline-meta{grid-template-columns:max-content 1fr}
 h1{font-size:1.25rem}
 .stats{grid-template-columns:repeat(2,minmax(0,1fr));gap:.6rem}
 .stat{padding:.1rem .5rem}
 .stat-value{font-size:1.25rem}
 .spark{width:100%}
 .explained{grid-template-columns:1fr}
 .who{max-width:9rem}
}
/* --- outbox page and "before you click" notices (issue 19 part 3) --- */
.outbox .badge{margin-bottom:.2rem}
.outbox td .small-text{overflow-wrap:anywhere}
.outbox td.recipient{overflow-wrap:break-word}
.pager{margin:.5rem 0 1rem}
.queue-note{display:block;font-size:.8rem;color:var(--muted);margin-top:.15rem}
.cannot-write{margin:.3rem 0 .6rem}
@media (max-width:760px){
 table.outbox thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.outbox,table.outbox tbody,table.outbox tr,table.outbox td{display:block;width:100%}
 table.outbox tr{border-bottom:1px solid var(--line);padding:.5rem 0}
 table.outbox td{border:none;padding:.15rem 0;max-width:none}
 table.outbox td::before{content:attr(data-label);display:block;font-size:.75rem;color:var(--muted)}
}
/* --- overview: team health, meeting-hours charts, every metric, Do next (issue 19 parts 1-2) --- */
.chart.fixed{width:auto;max-width:none}
.chart .axis-unit{font-size:11px;font-weight:600}
.chart.fixed .bar-label{font-size:11px}
.threshold line{stroke:#9a1c1c;stroke-width:1.5;stroke-dasharray:6 4}
.threshold text{fill:#9a1c1c;font-size:11px}
.dist-p50{fill:var(--meeting)}.dist-p75{fill:var(--after)}.dist-p90{fill:var(--weekend)}
.health .health-of{font-size:.85rem;color:var(--muted)}
.do-total{font-weight:650}
ol.do-next{padding-left:1.2rem;margin:.3rem 0}
ol.do-next>li{padding:.5rem 0;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
ol.do-next>li:last-child{border-bottom:none}
.do-title{font-weight:600}.do-figures,.do-hours{font-size:.9rem;color:var(--muted)}
ol.do-next .row-actions{margin-top:.35rem}
/* --- charts at their natural size, scrolling in their own box with the labels in view; a long new key wraps (issue 19 part 6) --- */
.chart-pair{display:flex;width:max-content}
.chart-pair-scroll{contain:inline-size}
.grid-heatmaps>*,.grid-cards>*{min-width:0}
.chart-pair .names{position:sticky;left:0;z-index:1;background:var(--card)}
#new-key{overflow-wrap:anywhere;word-break:break-all}
@media (max-width:760px){
 table.flags.stack .reasons,table.flags.stack .title-cell,table.flags.stack .actions{min-width:0}
 table.flags.stack td.reasons-cell,table.flags.stack td.actions{grid-column:1/-1}
 table.flags.stack .actions>*{display:inline-block;margin:0 .3rem .3rem 0}table.flags.stack .actions button,table.flags.stack .actions .button{width:auto}
}
@media (max-width:760px){
 table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.stack,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;width:100%}
 table.stack tr{border-bottom:1px solid var(--line);padding:.4rem 0;display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0 .6rem}
 table.stack th{grid-column:1/-1;border:none;padding:.1rem 0}
 table.stack td{border:none;padding:.1rem 0;text-align:left!important}
 table.stack td::before{content:attr(data-label);display:block;font-size:.75rem;color:var(--muted)}
}
`;

/**
 * Progressive enhancement only (every page works without it): forms with `data-confirm` ask
 * first, and the week picker submits when its select changes.
 */
export const DASHBOARD_JS = `(() => {
  'use strict';
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const message = form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
  document.addEventListener('change', (event) => {
    const field = event.target;
    if (field instanceof HTMLSelectElement && field.form && field.form.classList.contains('picker')) field.form.requestSubmit();
  });
  // Copy buttons (a new API key): data-copy names the element whose text is copied.
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    const source = document.getElementById(button.getAttribute('data-copy') || '');
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent || '').then(() => {
      const status = button.getAttribute('data-copied');
      if (status) button.textContent = status;
    });
  });
})();
`;

export const DASHBOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#111827"/><path d="M16 4a12 12 0 0 1 12 12H16z" fill="#60a5fa"/></svg>`;
