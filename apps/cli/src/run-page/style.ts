/** The run page's CSS: inlined into report.html and served by the UI (one stylesheet for both). */
export const RUN_PAGE_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1040px;color:#1d2125;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde1e5;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0;max-width:100%}th,td{border:1px solid #d5dae0;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warning{background:#fff3bf;border:1px solid #f08c00;padding:8px 12px;margin:8px 0;font-weight:600}
pre{background:#f8f9fa;border:1px solid #dde1e5;padding:8px;font-size:12px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}
.chart{max-width:100%;height:auto;border:1px solid #dde1e5;background:#fff}
.origin{font-size:13px;color:#333}.gain-pos{color:#2b8a3e}.gain-neg{color:#c92a2a}.gain-zero{color:#666}
details.turn{border:1px solid #dde1e5;border-radius:4px;margin:6px 0;padding:4px 8px}details.turn>summary{cursor:pointer;font-size:13px}
details.turn[open]{background:#fcfcfd}.role{font-size:11px;text-transform:uppercase;color:#666;margin-top:6px}
.retry{color:#a61e4d;font-size:13px}.new-best{font-weight:700;color:#2b8a3e}.note{color:#666}
.muted{color:#666;font-size:13px}#params td:first-child,#cost td:first-child,#summary td:first-child{white-space:nowrap}
details.prompt-set{border:1px solid #dde1e5;border-radius:4px;margin:6px 0;padding:4px 8px}details.prompt-set>summary{cursor:pointer;font-size:13px}
ul.texts{margin:0;padding-left:18px}h3{font-size:15px;margin-top:16px}
`;
