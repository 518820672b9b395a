import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { RunPage } from "../run-page/run-page.js";
import { RUN_PAGE_CSS } from "../run-page/style.js";
import type { RunView } from "../run-view/run-view.js";
import { escapeHtml as e } from "./escape.js";

/**
 * The self-contained HTML report of a run: the UI's run page rendered to a string, with inline
 * CSS and SVG, no scripts and no external resources (it works from file://, offline). The
 * conversation uses <details>, so it opens without JavaScript.
 */
export function renderHtml(view: RunView): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>vlmopt run ${e(view.runId)}</title>`,
    `<style>${RUN_PAGE_CSS}</style></head><body>`,
    renderToString(h(RunPage, { view })),
    "</body></html>",
    "",
  ].join("\n");
}
