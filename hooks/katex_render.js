// Renders TeX with KaTeX for the site build.
// Protocol: one JSON array of {tex, display} per line on stdin; one JSON array of
// {html} or {html, error} per line on stdout, in the same order. Macros come from the JSON
// file named by the first argument. A formula KaTeX cannot parse gets its error message
// (the build fails on it) and KaTeX's red error rendering (seen only in `mkdocs serve`).
"use strict";
const fs = require("fs");
const readline = require("readline");
const katex = require("katex");

const macros = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

function render(tex, display) {
  const options = {
    displayMode: display,
    output: "htmlAndMathml",
    macros: { ...macros }, // a fresh copy: no \gdef leaks from one formula to the next
    throwOnError: true,
    strict: "error",
    trust: false,
  };
  try {
    return { html: katex.renderToString(tex, options) };
  } catch (err) {
    const html = katex.renderToString(tex, { ...options, throwOnError: false, strict: "ignore" });
    return { html, error: String(err.message) };
  }
}

readline.createInterface({ input: process.stdin, terminal: false }).on("line", (line) => {
  const items = JSON.parse(line);
  const out = items.map((item) => render(item.tex, item.display));
  process.stdout.write(JSON.stringify(out) + "\n");
});
