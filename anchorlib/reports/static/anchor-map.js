/* anchorlib maps people can explore (anchorlib/reports/maps.py writes the SVG this works on).
 *
 * Every <figure class="anchor-map"> on the page: the static PNG is swapped for the inline SVG map
 * (the PNG stays for print and wherever this script does not run), which then zooms (wheel, pinch,
 * double-click, the + and - buttons, the + - and 0 keys), pans (drag, arrow keys), and labels the
 * small area or site under the pointer, the one tapped, or (keys) the one in the middle of the
 * map, with its name, decile and rank.
 * Plain JavaScript, no library, nothing fetched: it works offline and from file://.
 */
(function () {
  "use strict";

  var MAX_ZOOM = 40; // the geometry is drawn on a grid fine enough for a quarter of this
  var STEP = 1.6; // one button press or key
  var TAP_PX = 6; // a pointer that moved less than this between down and up tapped

  function initMap(fig) {
    var live = fig.querySelector(".anchor-map-live");
    var svg = fig.querySelector("svg.anchor-map-svg");
    var tip = fig.querySelector(".anchor-map-tip");
    var frame = fig.querySelector(".anchor-map-frame");
    var img = fig.querySelector("img.anchor-map-static");
    if (!live || !svg || !tip || !frame || fig.classList.contains("anchor-map-on")) return;
    var hl = svg.querySelector(".anchor-map-hl");
    var sites = Array.prototype.slice.call(svg.querySelectorAll(".anchor-map-site"));
    var vb = svg.viewBox.baseVal;
    var home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    var view = { x: home.x, y: home.y, w: home.w, h: home.h };
    var pointers = {}; // pointerId -> {x, y} (client px), for drag and pinch
    var gesture = null; // {x, y, moved, dist} of the current press
    var pinned = null; // the element whose label a tap pinned

    live.hidden = false;
    if (img) img.hidden = true;
    fig.classList.add("anchor-map-on");

    function apply() {
      svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h);
      var k = view.w / home.w; // site markers keep their size on screen
      sites.forEach(function (s) {
        s.setAttribute(
          "transform",
          "translate(" + s.getAttribute("data-x") + " " + s.getAttribute("data-y") + ") scale(" + k + ")"
        );
      });
    }

    function keepInside() {
      // the view's centre stays on the map, so it can never be lost off screen
      var cx = Math.min(Math.max(view.x + view.w / 2, home.x), home.x + home.w);
      var cy = Math.min(Math.max(view.y + view.h / 2, home.y), home.y + home.h);
      view.x = cx - view.w / 2;
      view.y = cy - view.h / 2;
    }

    function zoomAt(factor, cx, cy) {
      // factor > 1 zooms in, about the map point cx, cy (which stays under the pointer)
      var w = Math.min(home.w, Math.max(home.w / MAX_ZOOM, view.w / factor));
      var f = w / view.w;
      view.x = cx - (cx - view.x) * f;
      view.y = cy - (cy - view.y) * f;
      view.w = w;
      view.h = view.h * f;
      if (w >= home.w) view = { x: home.x, y: home.y, w: home.w, h: home.h };
      keepInside();
      apply();
    }

    function centre() {
      return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    }

    function toMap(clientX, clientY) {
      var m = svg.getScreenCTM();
      var p = svg.createSVGPoint();
      p.x = clientX;
      p.y = clientY;
      return p.matrixTransform(m.inverse());
    }

    function panBy(dxPx, dyPx) {
      var m = svg.getScreenCTM();
      view.x -= dxPx / m.a;
      view.y -= dyPx / m.d;
      keepInside();
      apply();
    }

    function labelled(el) {
      while (el && el !== svg) {
        if (el.getAttribute && el.getAttribute("data-t") !== null) return el;
        el = el.parentNode;
      }
      return null;
    }

    function show(el, clientX, clientY) {
      if (!el) {
        hide();
        return;
      }
      tip.textContent = "";
      var name = document.createElement("strong");
      name.textContent = el.getAttribute("data-n");
      tip.appendChild(name);
      var code = el.getAttribute("data-c");
      var where = el.getAttribute("data-l");
      if (code) tip.appendChild(document.createTextNode(" " + code));
      if (where) tip.appendChild(document.createTextNode(", " + where));
      tip.appendChild(document.createElement("br"));
      tip.appendChild(document.createTextNode(el.getAttribute("data-t")));
      tip.hidden = false;
      if (hl) hl.setAttribute("d", el.tagName.toLowerCase() === "path" ? el.getAttribute("d") : "");
      var box = frame.getBoundingClientRect();
      var x = clientX - box.left + 14;
      var y = clientY - box.top + 14;
      if (x + tip.offsetWidth > box.width) x = Math.max(0, clientX - box.left - tip.offsetWidth - 14);
      if (y + tip.offsetHeight > box.height) y = Math.max(0, clientY - box.top - tip.offsetHeight - 14);
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    }

    function hide() {
      tip.hidden = true;
      if (hl) hl.setAttribute("d", "");
    }

    svg.addEventListener(
      "wheel",
      function (e) {
        e.preventDefault();
        var dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
        var p = toMap(e.clientX, e.clientY);
        zoomAt(Math.pow(1.002, -dy), p.x, p.y);
      },
      { passive: false }
    );

    svg.addEventListener("dblclick", function (e) {
      e.preventDefault();
      var p = toMap(e.clientX, e.clientY);
      zoomAt(e.shiftKey ? 1 / STEP : STEP, p.x, p.y);
    });

    svg.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
      try {
        svg.setPointerCapture(e.pointerId);
      } catch (err) {
        /* an already released pointer: nothing to capture */
      }
      var ids = Object.keys(pointers);
      if (ids.length === 1) gesture = { x: e.clientX, y: e.clientY, moved: false, dist: 0 };
      else if (ids.length === 2 && gesture) {
        var a = pointers[ids[0]];
        var b = pointers[ids[1]];
        gesture.moved = true;
        gesture.dist = Math.hypot(a.x - b.x, a.y - b.y);
      }
    });

    svg.addEventListener("pointermove", function (e) {
      var prev = pointers[e.pointerId];
      if (!prev) {
        if (!pinned && e.pointerType === "mouse") show(labelled(e.target), e.clientX, e.clientY);
        return;
      }
      var ids = Object.keys(pointers);
      if (ids.length === 2 && gesture && gesture.dist > 0) {
        pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
        var a = pointers[ids[0]];
        var b = pointers[ids[1]];
        var dist = Math.hypot(a.x - b.x, a.y - b.y);
        var mid = toMap((a.x + b.x) / 2, (a.y + b.y) / 2);
        zoomAt(dist / gesture.dist, mid.x, mid.y);
        gesture.dist = dist;
        return;
      }
      if (gesture && Math.hypot(e.clientX - gesture.x, e.clientY - gesture.y) > TAP_PX) {
        gesture.moved = true;
      }
      if (gesture && gesture.moved) {
        hide();
        pinned = null;
        panBy(e.clientX - prev.x, e.clientY - prev.y);
        svg.classList.add("anchor-map-dragging");
      }
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    });

    function release(e) {
      if (!pointers[e.pointerId]) return;
      delete pointers[e.pointerId];
      if (Object.keys(pointers).length) return;
      svg.classList.remove("anchor-map-dragging");
      if (e.type === "pointerup" && gesture && !gesture.moved) {
        // a click shows what is under it; a tap (no hover on a touch screen) pins its label
        // until the next tap
        var el = labelled(document.elementFromPoint(e.clientX, e.clientY));
        if (e.pointerType === "mouse") show(el, e.clientX, e.clientY);
        else {
          pinned = el && el !== pinned ? el : null;
          if (pinned) show(pinned, e.clientX, e.clientY);
          else hide();
        }
      }
      gesture = null;
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    svg.addEventListener("pointerleave", function (e) {
      if (!pinned && !pointers[e.pointerId]) hide();
    });

    svg.addEventListener("keydown", function (e) {
      var c = centre();
      var box = svg.getBoundingClientRect();
      var handled = true;
      if (e.key === "+" || e.key === "=") zoomAt(STEP, c.x, c.y);
      else if (e.key === "-" || e.key === "_") zoomAt(1 / STEP, c.x, c.y);
      else if (e.key === "0") zoomAt(0, c.x, c.y);
      else if (e.key === "ArrowLeft") panBy(box.width / 8, 0);
      else if (e.key === "ArrowRight") panBy(-box.width / 8, 0);
      else if (e.key === "ArrowUp") panBy(0, box.height / 8);
      else if (e.key === "ArrowDown") panBy(0, -box.height / 8);
      else if (e.key === "Escape") {
        pinned = null;
        hide();
      } else handled = false;
      if (handled) {
        e.preventDefault();
        if (e.key !== "Escape") showCentre();
      }
    });

    function showCentre() {
      // for the keyboard: the label of what is in the middle of the map
      var box = svg.getBoundingClientRect();
      var x = box.left + box.width / 2;
      var y = box.top + box.height / 2;
      show(labelled(document.elementFromPoint(x, y)), x, y);
    }

    fig.querySelectorAll("button[data-zoom]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var c = centre();
        var z = btn.getAttribute("data-zoom");
        pinned = null;
        hide();
        zoomAt(z === "in" ? STEP : z === "out" ? 1 / STEP : 0, c.x, c.y);
      });
    });

    apply();
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.anchor-map"), initMap);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
