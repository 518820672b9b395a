import { RUN_PAGE_CSS } from "../run-page/style.js";

/** The UI's CSS: the run page's (shared with report.html) plus the app's own few rules. */
export const UI_CSS = `${RUN_PAGE_CSS}
header{font-size:14px;margin-bottom:12px}header>a{font-weight:700;color:#1d2125;text-decoration:none}
#runs tr.status-running td.status{color:#2b8a3e;font-weight:700}#runs tr.status-error td.status{color:#c92a2a}
a[aria-disabled="true"]{pointer-events:none;color:#999}
.suite-report{width:100%;height:900px;border:1px solid #dde1e5}
.live-status[data-state="running"]{color:#2b8a3e;font-weight:600}
`;

/** The app's page: no inline script (the CSP forbids it), one script and one stylesheet, same origin. */
export const UI_INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vlmopt ui</title>
<link rel="stylesheet" href="/app.css">
</head><body><div id="app"><p>Loading… (this page needs JavaScript; each run's report.html does not)</p></div>
<script src="/app.js"></script>
</body></html>
`;
