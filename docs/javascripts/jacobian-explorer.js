// The interactive Jacobian explorer (plain JavaScript + SVG, no library).
//
// Loaded on every page; it acts only on pages with a <figure class="jx"> made by
// snippets/shared/explorer.py:explorer_html(). That container holds a still image (shown without
// JavaScript) and, in <script type="application/json" class="jx-data">, the figure's settings
// and sample points computed in Python. The formulas below mirror snippets/shared/explorer.py entry
// by entry (same operations, same order); the browser tests compare them at the sample points.
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var MINUS = "\u2212";

  // ---- The mathematics (pure functions, exposed as window.JacobianExplorer) ----

  // f and J_f for one of the three functions; layer = {W: [[..],[..]], b: [..]}.
  function makeFunction(name, layer) {
    if (name === "seed") {
      return {
        f: function (x, y) { return [x * x * y, 5 * x + Math.sin(y)]; },
        J: function (x, y) { return [[2 * x * y, x * x], [5, Math.cos(y)]]; }
      };
    }
    if (name === "polar") {
      return {
        f: function (x, y) { return [x * Math.cos(y), x * Math.sin(y)]; },
        J: function (x, y) {
          return [[Math.cos(y), -x * Math.sin(y)], [Math.sin(y), x * Math.cos(y)]];
        }
      };
    }
    if (name === "layer") {
      var W = layer.W, b = layer.b;
      var pre = function (x, y) {
        return [W[0][0] * x + W[0][1] * y + b[0], W[1][0] * x + W[1][1] * y + b[1]];
      };
      return {
        f: function (x, y) { var z = pre(x, y); return [Math.tanh(z[0]), Math.tanh(z[1])]; },
        J: function (x, y) {
          var z = pre(x, y);
          var c0 = Math.cosh(z[0]), c1 = Math.cosh(z[1]);
          var s0 = 1 / (c0 * c0), s1 = 1 / (c1 * c1); // tanh' = 1 / cosh^2
          return [[s0 * W[0][0], s0 * W[0][1]], [s1 * W[1][0], s1 * W[1][1]]];
        }
      };
    }
    throw new Error("unknown function " + name);
  }

  function det2(J) { return J[0][0] * J[1][1] - J[0][1] * J[1][0]; }

  function gridOffsets(h, n) {
    var out = [];
    for (var i = 0; i < n; i++) out.push(-h + 2 * h * i / (n - 1));
    return out;
  }

  // Largest |f(p + v) - f(p) - J v| over the n x n grid nodes v in [-h, h]^2, and where.
  function linearizationError(fn, x, y, h, n) {
    var fp = fn.f(x, y), J = fn.J(x, y), offs = gridOffsets(h, n);
    var worst = 0, at = [0, 0];
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < n; j++) {
        var vx = offs[i], vy = offs[j];
        var fq = fn.f(x + vx, y + vy);
        var e0 = (fq[0] - fp[0]) - (J[0][0] * vx + J[0][1] * vy);
        var e1 = (fq[1] - fp[1]) - (J[1][0] * vx + J[1][1] * vy);
        var e = Math.hypot(e0, e1);
        if (e > worst) { worst = e; at = [vx, vy]; }
      }
    }
    return { error: worst, at: at };
  }

  // Everything the figure shows at p, from the formulas above.
  function evaluate(name, layer, x, y, h, n) {
    var fn = makeFunction(name, layer);
    var J = fn.J(x, y);
    return {
      f: fn.f(x, y), J: J, det: det2(J),
      error: h === undefined ? null : linearizationError(fn, x, y, h, n).error
    };
  }

  // ---- Formatting ----

  function fixed(v, digits) {
    var t = v.toFixed(digits);
    if (Number(t) === 0) t = t.replace("-", "");
    return t.replace("-", MINUS);
  }
  function sig(v) { return v.toPrecision(3).replace("-", MINUS); }

  // ---- SVG helpers ----

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVGNS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function html(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function niceStep(span) {
    var raw = span / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
  }
  function tickLabel(v, step) {
    var d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return fixed(v, d);
  }

  var SIZE = 320, PAD_L = 34, PAD_B = 26, PAD_T = 22, PAD_R = 8;
  var PLOT = SIZE - PAD_L - PAD_R; // square plot area (PLOT x PLOT)

  // A square panel: an outer <svg> with axis labels and an inner, clipping <svg> for the data.
  function Panel(parent, title, cls) {
    this.svg = el("svg", { viewBox: "0 0 " + SIZE + " " + (PAD_T + PLOT + PAD_B), class: "jx-panel " + cls }, parent);
    el("text", { x: PAD_L, y: 14, class: "jx-title" }, this.svg).textContent = title;
    this.ticks = el("g", { class: "jx-ticks", "aria-hidden": "true" }, this.svg);
    this.plot = el("svg", { x: PAD_L, y: PAD_T, width: PLOT, height: PLOT, viewBox: "0 0 " + PLOT + " " + PLOT, class: "jx-plot" }, this.svg);
    el("rect", { x: 0.5, y: 0.5, width: PLOT - 1, height: PLOT - 1, class: "jx-frame" }, this.plot);
    this.layer = el("g", {}, this.plot);
    this.cx = 0; this.cy = 0; this.half = 1;
  }
  Panel.prototype.setView = function (cx, cy, half) { this.cx = cx; this.cy = cy; this.half = half; };
  Panel.prototype.px = function (x) { return (x - this.cx + this.half) / (2 * this.half) * PLOT; };
  Panel.prototype.py = function (y) { return (this.cy + this.half - y) / (2 * this.half) * PLOT; };
  Panel.prototype.toData = function (sx, sy) {
    return [this.cx - this.half + sx / PLOT * 2 * this.half, this.cy + this.half - sy / PLOT * 2 * this.half];
  };
  Panel.prototype.path = function (pts) {
    var d = "";
    for (var i = 0; i < pts.length; i++) {
      d += (i ? "L" : "M") + this.px(pts[i][0]).toFixed(2) + " " + this.py(pts[i][1]).toFixed(2);
    }
    return d;
  };
  Panel.prototype.drawTicks = function (xname, yname) {
    var g = this.ticks, lo, hi, v, s;
    while (g.firstChild) g.removeChild(g.firstChild);
    var step = niceStep(2 * this.half);
    var grid = el("g", { class: "jx-gridlines" }, null);
    this.layer.parentNode.insertBefore(grid, this.layer);
    if (this.gridlines) this.gridlines.remove();
    this.gridlines = grid;
    lo = Math.ceil((this.cx - this.half) / step); hi = Math.floor((this.cx + this.half) / step);
    for (v = lo; v <= hi; v++) {
      s = this.px(v * step);
      el("line", { x1: s, x2: s, y1: 0, y2: PLOT }, grid);
      el("text", { x: PAD_L + s, y: PAD_T + PLOT + 12, "text-anchor": "middle" }, g).textContent = tickLabel(v * step, step);
    }
    lo = Math.ceil((this.cy - this.half) / step); hi = Math.floor((this.cy + this.half) / step);
    for (v = lo; v <= hi; v++) {
      s = this.py(v * step);
      el("line", { x1: 0, x2: PLOT, y1: s, y2: s }, grid);
      el("text", { x: PAD_L - 3, y: PAD_T + s + 3, "text-anchor": "end" }, g).textContent = tickLabel(v * step, step);
    }
    el("text", { x: PAD_L + PLOT, y: PAD_T + PLOT + 23, "text-anchor": "end", class: "jx-axis" }, g).textContent = xname;
    el("text", { x: 4, y: PAD_T + 10, class: "jx-axis" }, g).textContent = yname;
  };
  Panel.prototype.arrow = function (from, to, cls, label, parent) {
    var x1 = this.px(from[0]), y1 = this.py(from[1]), x2 = this.px(to[0]), y2 = this.py(to[1]);
    var dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy);
    var g = el("g", { class: "jx-arrow " + cls }, parent);
    if (len < 1e-9) return g;
    var ux = dx / len, uy = dy / len, head = Math.min(9, len * 0.5);
    el("line", { x1: x1, y1: y1, x2: x2 - ux * head * 0.8, y2: y2 - uy * head * 0.8 }, g);
    el("polygon", {
      points: [x2, y2, x2 - ux * head - uy * head * 0.45, y2 - uy * head + ux * head * 0.45,
        x2 - ux * head + uy * head * 0.45, y2 - uy * head - ux * head * 0.45].map(function (t) { return t.toFixed(2); }).join(" ")
    }, g);
    el("text", { x: x2 + ux * 8, y: y2 + uy * 8 + 4, "text-anchor": ux > 0.3 ? "start" : ux < -0.3 ? "end" : "middle" }, g).textContent = label;
    return g;
  };

  // ---- One figure ----

  var counter = 0;

  function Explorer(figure) {
    var data = JSON.parse(figure.querySelector("script.jx-data").textContent);
    this.data = data;
    this.figure = figure;
    this.uid = "jx" + (++counter);
    this.name = figure.getAttribute("data-jx-function") || data.functions[0];
    this.h = data.radius["default"];
    var p0 = data.defaultPoint[this.name];
    this.x = p0[0]; this.y = p0[1];
    this.build();
    figure.classList.add("jx-live");
    this.update(false);
  }

  Explorer.prototype.fn = function () { return makeFunction(this.name, this.data.layer); };

  Explorer.prototype.build = function () {
    var self = this, data = this.data, uid = this.uid;
    var app = html("div", { class: "jx-app" });
    this.figure.insertBefore(app, this.figure.querySelector("figcaption"));

    // Controls: function, point, radius
    var controls = html("div", { class: "jx-controls" }, app);
    var fs = html("fieldset", { class: "jx-functions" }, controls);
    html("legend", {}, fs, "Function f");
    this.radios = {};
    data.functions.forEach(function (name) {
      var label = html("label", {}, fs);
      var input = html("input", { type: "radio", name: uid + "-fn", value: name }, label);
      input.checked = name === self.name;
      input.addEventListener("change", function () { if (input.checked) self.setFunction(name); });
      label.appendChild(document.createTextNode(" " + data.labels[name]));
      self.radios[name] = input;
    });

    var row = html("div", { class: "jx-row" }, controls);
    this.coordInputs = [0, 1].map(function (k) {
      var label = html("label", { class: "jx-coord" }, row);
      var span = html("span", {}, label);
      var input = html("input", {
        type: "number", step: String(data.keyStep), min: String(data.view[0]), max: String(data.view[1]),
        class: "jx-coord-" + k
      }, label);
      input.addEventListener("change", function () {
        var v = Number(input.value);
        if (!isFinite(v) || input.value === "") { self.update(false); return; }
        if (k === 0) self.setPoint(v, self.y); else self.setPoint(self.x, v);
      });
      return { input: input, span: span };
    });
    var rlabel = html("label", { class: "jx-radius" }, row);
    html("span", {}, rlabel, "grid radius h ");
    this.radius = html("input", {
      type: "range", min: String(data.radius.min), max: String(data.radius.max),
      step: String(data.radius.step), value: String(this.h)
    }, rlabel);
    this.radiusOut = html("output", { class: "jx-radius-value" }, rlabel);
    this.radius.addEventListener("input", function () { self.h = Number(self.radius.value); self.update(true); });
    var reset = html("button", { type: "button", class: "jx-reset" }, row, "Reset p");
    reset.addEventListener("click", function () {
      var p = data.defaultPoint[self.name]; self.setPoint(p[0], p[1]);
    });
    this.help = html("p", { class: "jx-help", id: uid + "-help" }, controls,
      "Drag the point p or tap where it should go; or focus it (Tab) and use the arrow keys " +
      "(Shift + arrow: steps of " + data.keyStepFine + "; Home: back to the start).");

    // The two panels
    var panels = html("div", { class: "jx-panels" }, app);
    this.inPanel = new Panel(panels, "input plane: a grid around p", "jx-in");
    this.outPanel = new Panel(panels, "output plane, centred on f(p)", "jx-out");
    this.inPanel.svg.setAttribute("aria-hidden", "true");
    this.outPanel.svg.setAttribute("aria-hidden", "true");
    this.inPanel.svg.removeAttribute("aria-hidden"); // holds the focusable point
    this.inPanel.svg.setAttribute("role", "group");
    this.inPanel.svg.setAttribute("aria-label", "Input plane with the movable point p");
    var v = data.view;
    this.inPanel.setView((v[0] + v[1]) / 2, (v[0] + v[1]) / 2, (v[1] - v[0]) / 2 + 0.25);

    this.handle = el("g", {
      class: "jx-handle", tabindex: "0", role: "slider", "aria-roledescription": "movable point",
      "aria-label": "Point p", "aria-describedby": uid + "-help",
      "aria-valuemin": String(v[0]), "aria-valuemax": String(v[1])
    }, this.inPanel.plot);
    el("circle", { r: 16, class: "jx-handle-hit" }, this.handle);
    el("circle", { r: 11, class: "jx-handle-ring" }, this.handle);
    el("circle", { r: 5.5, class: "jx-handle-dot" }, this.handle);
    this.handleLabel = el("text", { class: "jx-handle-label", x: 9, y: -9 }, this.handle);
    this.handleLabel.textContent = "p";

    // Legend
    var legend = html("ul", { class: "jx-legend" }, app);
    [["jx-sw-curved", "image of the grid under f"],
      ["jx-sw-linear", "image under v ↦ f(p) + J_f(p) v"],
      ["jx-sw-square", "the input square, moved to f(p)"],
      ["jx-sw-e1", "h e₁ and h J_f(p) e₁ (column 1 of J, times h)"],
      ["jx-sw-e2", "h e₂ and h J_f(p) e₂ (column 2 of J, times h)"],
      ["jx-sw-gap", "largest gap between f and the linear map"]].forEach(function (item) {
      var li = html("li", {}, legend);
      html("span", { class: "jx-swatch " + item[0], "aria-hidden": "true" }, li);
      li.appendChild(document.createTextNode(item[1]));
    });

    // Numbers
    var nums = html("div", { class: "jx-numbers" }, app);
    var pline = html("p", {}, nums);
    this.pText = html("span", { class: "jx-p" }, pline);
    this.fText = html("span", { class: "jx-fp" }, pline);
    var mrow = html("div", { class: "jx-matrix-row" }, nums);
    html("span", { class: "jx-matrix-name" }, mrow, "J_f(p) =");
    var table = html("table", { class: "jx-matrix", "aria-label": "Jacobian matrix J_f(p)" }, mrow);
    var tbody = html("tbody", {}, table);
    this.cells = [0, 1].map(function (i) {
      var tr = html("tr", {}, tbody);
      return [0, 1].map(function (j) {
        return html("td", { class: "jx-J" + (i + 1) + (j + 1) + " jx-col" + (j + 1) }, tr);
      });
    });
    this.detText = html("p", { class: "jx-det" }, nums);
    this.errText = html("p", { class: "jx-err" }, nums);

    this.summary = html("p", { class: "jx-summary", "aria-live": "polite", "aria-atomic": "true" }, app);

    // Input: pointer (mouse, pen, touch) on the input plane, keys on the handle
    var plot = this.inPanel.plot, dragging = null;
    var toData = function (ev) {
      var m = plot.getScreenCTM();
      if (!m) return null;
      var pt = plot.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      var q = pt.matrixTransform(m.inverse());
      return self.inPanel.toData(q.x, q.y);
    };
    var snap = function (v) { return Math.round(v / data.snap) * data.snap; };
    plot.addEventListener("pointerdown", function (ev) {
      if (ev.button !== undefined && ev.button !== 0) return;
      var q = toData(ev);
      if (!q) return;
      dragging = ev.pointerId;
      try { plot.setPointerCapture(ev.pointerId); } catch (e) { /* synthetic events */ }
      self.handle.focus({ preventScroll: true });
      self.setPoint(snap(q[0]), snap(q[1]));
      ev.preventDefault();
    });
    plot.addEventListener("pointermove", function (ev) {
      if (dragging !== ev.pointerId) return;
      var q = toData(ev);
      if (q) self.setPoint(snap(q[0]), snap(q[1]));
    });
    var stop = function (ev) { if (dragging === ev.pointerId) dragging = null; };
    plot.addEventListener("pointerup", stop);
    plot.addEventListener("pointercancel", stop);

    this.handle.addEventListener("keydown", function (ev) {
      var step = ev.shiftKey ? data.keyStepFine : data.keyStep, dx = 0, dy = 0;
      switch (ev.key) {
        case "ArrowLeft": dx = -step; break;
        case "ArrowRight": dx = step; break;
        case "ArrowUp": dy = step; break;
        case "ArrowDown": dy = -step; break;
        case "Home":
          var p = data.defaultPoint[self.name]; self.setPoint(p[0], p[1]); ev.preventDefault(); return;
        default: return;
      }
      ev.preventDefault();
      self.setPoint(self.x + dx, self.y + dy);
    });
  };

  // Keep p in the window and on the 1/1000 grid (no 0.30000000000000004 from key steps).
  Explorer.prototype.setPoint = function (x, y) {
    var v = this.data.view;
    var clean = function (t) { return Math.round(Math.min(v[1], Math.max(v[0], t)) * 1000) / 1000; };
    this.x = clean(x); this.y = clean(y);
    this.update(true);
  };

  Explorer.prototype.setFunction = function (name) {
    this.name = name;
    this.figure.setAttribute("data-jx-function", name);
    var p = this.data.defaultPoint[name];
    this.x = p[0]; this.y = p[1];
    this.update(true);
  };

  Explorer.prototype.update = function (announce) {
    var self = this, data = this.data, n = data.gridN, h = this.h, x = this.x, y = this.y;
    var fn = this.fn(), fp = fn.f(x, y), J = fn.J(x, y), det = det2(J);
    var lin = linearizationError(fn, x, y, h, n);
    var names = data.inputNames[this.name];
    var offs = gridOffsets(h, n), STEPS = 24;
    var linear = function (vx, vy) {
      return [fp[0] + (J[0][0] * vx + J[0][1] * vy), fp[1] + (J[1][0] * vx + J[1][1] * vy)];
    };

    // Grid lines: each as its list of offsets v, then mapped three ways
    var lines = [];
    offs.forEach(function (c) {
      var a = [], b = [];
      for (var s = 0; s <= STEPS; s++) {
        var t = -h + 2 * h * s / STEPS;
        a.push([c, t]); b.push([t, c]);
      }
      lines.push(a, b);
    });
    var curved = lines.map(function (l) { return l.map(function (v) { return fn.f(x + v[0], y + v[1]); }); });
    var corners = [[-h, -h], [h, -h], [h, h], [-h, h]];
    var para = corners.map(function (v) { return linear(v[0], v[1]); });
    var square = corners.map(function (v) { return [fp[0] + v[0], fp[1] + v[1]]; });

    // Output view: centred on f(p), wide enough for everything drawn there
    var ext = h;
    curved.forEach(function (l) { l.forEach(function (q) { ext = Math.max(ext, Math.abs(q[0] - fp[0]), Math.abs(q[1] - fp[1])); }); });
    para.forEach(function (q) { ext = Math.max(ext, Math.abs(q[0] - fp[0]), Math.abs(q[1] - fp[1])); });
    this.outPanel.setView(fp[0], fp[1], 1.18 * ext);

    // Input panel
    var P = this.inPanel, L = P.layer;
    while (L.firstChild) L.removeChild(L.firstChild);
    P.drawTicks(names[0], names[1]);
    var g = el("g", { class: "jx-grid-in" }, L);
    lines.forEach(function (l) {
      el("path", { d: P.path([[x + l[0][0], y + l[0][1]], [x + l[STEPS][0], y + l[STEPS][1]]]) }, g);
    });
    P.arrow([x, y], [x + h, y], "jx-e1", "h e₁", L);
    P.arrow([x, y], [x, y + h], "jx-e2", "h e₂", L);
    // The handle stays the plot's last child (drawn on top); moving it in the DOM would blur it.
    this.handle.setAttribute("transform", "translate(" + P.px(x).toFixed(2) + " " + P.py(y).toFixed(2) + ")");

    // Output panel
    var O = this.outPanel, M = O.layer;
    while (M.firstChild) M.removeChild(M.firstChild);
    O.drawTicks("f₁", "f₂");
    el("path", { d: O.path(para) + "Z", class: "jx-para-fill" }, M);
    el("path", { d: O.path(square) + "Z", class: "jx-square" }, M);
    var gl = el("g", { class: "jx-linear" }, M);
    lines.forEach(function (l) {
      el("path", { d: O.path([linear(l[0][0], l[0][1]), linear(l[STEPS][0], l[STEPS][1])]) }, gl);
    });
    var gc = el("g", { class: "jx-curved" }, M);
    curved.forEach(function (l) { el("path", { d: O.path(l) }, gc); });
    var va = lin.at;
    el("path", { d: O.path([fn.f(x + va[0], y + va[1]), linear(va[0], va[1])]), class: "jx-gap" }, M);
    O.arrow(fp, [fp[0] + h * J[0][0], fp[1] + h * J[1][0]], "jx-e1", "h J e₁", M);
    O.arrow(fp, [fp[0] + h * J[0][1], fp[1] + h * J[1][1]], "jx-e2", "h J e₂", M);
    el("circle", { cx: O.px(fp[0]), cy: O.py(fp[1]), r: 4, class: "jx-fp-dot" }, M);

    // Numbers (data-value: full precision, for tests and copy)
    var setNum = function (node, text, value) { node.textContent = text; node.setAttribute("data-value", String(value)); };
    this.pText.textContent = "p = (" + names[0] + ", " + names[1] + ") = (" + fixed(x, 2) + ", " + fixed(y, 2) + ")";
    this.pText.setAttribute("data-x", String(x)); this.pText.setAttribute("data-y", String(y));
    this.fText.textContent = "f(p) = (" + fixed(fp[0], 3) + ", " + fixed(fp[1], 3) + ")";
    this.cells.forEach(function (row, i) { row.forEach(function (td, j) { setNum(td, fixed(J[i][j], 3), J[i][j]); }); });
    var meaning = det > 0 ? "areas scale by " + fixed(Math.abs(det), 3) + ", orientation kept"
      : det < 0 ? "areas scale by " + fixed(Math.abs(det), 3) + ", orientation flips"
        : "areas are squashed flat";
    this.detText.textContent = "";
    this.detText.appendChild(document.createTextNode("det J_f(p) = "));
    setNum(html("strong", { class: "jx-det-value" }, this.detText), fixed(det, 3), det);
    this.detText.appendChild(document.createTextNode(": " + meaning + "."));
    this.errText.textContent = "";
    this.errText.appendChild(document.createTextNode("Largest gap on the grid (h = " + fixed(h, 2) + "): "));
    setNum(html("strong", { class: "jx-err-value" }, this.errText), sig(lin.error), lin.error);
    this.errText.appendChild(document.createTextNode("; gap / h² = " + sig(lin.error / (h * h)) +
      " (stays about the same as h shrinks: the gap is of order h²)."));
    this.radiusOut.textContent = fixed(h, 2);
    this.radiusOut.setAttribute("data-value", String(h));
    this.coordInputs[0].span.textContent = names[0] + " ";
    this.coordInputs[1].span.textContent = names[1] + " ";
    if (document.activeElement !== this.coordInputs[0].input) this.coordInputs[0].input.value = String(x);
    if (document.activeElement !== this.coordInputs[1].input) this.coordInputs[1].input.value = String(y);
    Object.keys(this.radios).forEach(function (k) { self.radios[k].checked = k === self.name; });

    this.handle.setAttribute("aria-valuenow", String(x));
    this.handle.setAttribute("aria-valuetext", names[0] + " = " + fixed(x, 2) + ", " + names[1] + " = " + fixed(y, 2));

    var sentence = "At p = (" + fixed(x, 2) + ", " + fixed(y, 2) + "): J_f(p) = [[" +
      fixed(J[0][0], 3) + ", " + fixed(J[0][1], 3) + "], [" + fixed(J[1][0], 3) + ", " + fixed(J[1][1], 3) +
      "]], det J_f(p) = " + fixed(det, 3) + ": " + meaning + ". With grid radius h = " + fixed(h, 2) +
      ", f and its linear map differ by at most " + sig(lin.error) + ".";
    // Announce once the reader pauses, not at every step of a drag.
    clearTimeout(this.timer);
    if (announce) {
      this.timer = setTimeout(function () { self.summary.textContent = sentence; }, 300);
    } else {
      this.summary.textContent = sentence;
    }
  };

  // ---- Start-up: only where a figure is ----

  function start() {
    var figures = document.querySelectorAll("figure.jx:not(.jx-live)");
    if (!figures.length) return;
    var api = window.JacobianExplorer = window.JacobianExplorer || {
      makeFunction: makeFunction, det2: det2, gridOffsets: gridOffsets,
      linearizationError: linearizationError, evaluate: evaluate, instances: []
    };
    for (var i = 0; i < figures.length; i++) {
      try {
        api.instances.push(new Explorer(figures[i]));
      } catch (err) {
        // Leave the still image in place if anything goes wrong.
        if (window.console) console.error("Jacobian explorer:", err);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // Material's instant navigation (if turned on) swaps pages without reloading.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  }
})();
